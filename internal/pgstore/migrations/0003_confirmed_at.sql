-- When a cell was confirmed as read, for the correction report's 日時.
ALTER TABLE trail ADD COLUMN confirmed_at text;
