-- 0004_keys: key rotation, revocation, erasure and unlock throttling.
--
-- A staff keyslot no longer holds the data key itself: its Argon2id payload is
-- the audit key, a per-user slot key and an X25519 secret key.  The data key
-- lives beside it, sealed under the slot key (data_wrapped).  A rotation seals
-- the new data key to each user's public key (pending_data) and drops
-- data_wrapped, so no copy of the old key is left; the user's next unlock folds
-- the pending key back under their slot key.  See SECURITY.md, "Keys".

-- X25519 public key (crypto_box) to receive a rotated data key; NULL for
-- auditors and for users who have not unlocked since this migration.
ALTER TABLE users ADD COLUMN pk BLOB;
-- Keyed BLAKE2b of (id, pk) under a subkey of the data key, so that someone
-- who can write the file but holds no data key cannot swap a public key.
ALTER TABLE users ADD COLUMN pk_mac BLOB;

-- The data key and its generation sealed under the user's slot key.
ALTER TABLE keyslots ADD COLUMN data_wrapped BLOB;
-- A rotated data key sealed to users.pk, waiting for the user's next unlock.
ALTER TABLE keyslots ADD COLUMN pending_data BLOB;

-- Crypto-shredded people: who erased whom, when and why.  The reason is
-- sealed under the break-glass key (derived from the audit key), like
-- break-glass reasons: supervisors and auditors can read it, no one else.
CREATE TABLE erasures (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL REFERENCES people(id),
	at          TEXT NOT NULL,
	by_user     INTEGER NOT NULL REFERENCES users(id),
	referrals   INTEGER NOT NULL,
	purge       INTEGER NOT NULL DEFAULT 0,   -- 1: by the retention rule
	reason      BLOB
);
CREATE INDEX erasures_person ON erasures(person_id);

-- The longest delay, in seconds, before an unlock after three failures in a
-- row (1, 2, 4, ... up to this); 0 turns the delay off.
INSERT OR IGNORE INTO settings(key, value) VALUES ('unlock_delay_max', '30');
