-- The caseload's coming deadlines ask for an organisation's children born in two 30-day windows.
CREATE INDEX children_org_dob ON children(org_id, date_of_birth);
