-- What a child's identification record must hold is each organisation's to say ('' : Waymark's
-- default: photo, name, date of birth or age, nationality, and fingerprints or a document). DNA is
-- never required by default: a child's DNA is taken only with consent or a legal basis.
ALTER TABLE organisations ADD COLUMN completeness TEXT NOT NULL DEFAULT '';
-- children.missing now lists what the default rule finds lacking, by code. It listed photo,
-- document, fingerprints and DNA reference; the rest is read from the row itself.
UPDATE children SET missing = rtrim(
    CASE WHEN (',' || missing || ',') LIKE '%,photo,%' THEN 'photo,' ELSE '' END ||
    CASE WHEN given_names = '' AND family_name = '' THEN 'name,' ELSE '' END ||
    CASE WHEN date_of_birth = '' THEN 'date_of_birth,' ELSE '' END ||
    CASE WHEN nationality = '' THEN 'nationality,' ELSE '' END ||
    CASE WHEN (',' || missing || ',') LIKE '%,document,%' AND (',' || missing || ',') LIKE '%,fingerprints,%'
        THEN 'fingerprints_or_document,' ELSE '' END, ',');
