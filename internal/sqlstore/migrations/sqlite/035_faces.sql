-- A photo's face, as the face networks see it: the embedding of its largest face (128 numbers,
-- sealed: a face template is biometric data), and the model that looked at the photo ('' when none
-- has yet). A photo looked at with no face found keeps face NULL under its model's name.
ALTER TABLE photos ADD COLUMN face BLOB;
ALTER TABLE photos ADD COLUMN face_model TEXT NOT NULL DEFAULT '';
