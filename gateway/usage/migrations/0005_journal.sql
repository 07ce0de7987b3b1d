-- usage.journal (UsageJournal) holds rows the moment a request ends; they reach this
-- table in batches. The sequence number of the last journal entry written here, in the
-- same transaction as its row, so a restart replays exactly the rows that are missing.
CREATE TABLE usage_journal (last_sequence BIGINT NOT NULL);
INSERT INTO usage_journal (last_sequence) VALUES (0)
