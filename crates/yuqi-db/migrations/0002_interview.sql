-- The guided interview's answers (JSON, yuqi_app::interview::Answers) for a case built through
-- it; NULL for a case written as a case file. The case file (toml) is built from the answers
-- after every answer; saving the case file directly detaches it (sets this back to NULL).
ALTER TABLE cases ADD COLUMN interview TEXT;
