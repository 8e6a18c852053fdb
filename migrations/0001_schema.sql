-- 0001_schema: the whole referral schema.
--
-- Conventions:
--  * BLOB columns named like a field (first_name, notes, ...) hold AEAD ciphertext
--    (see core/crypto.c); nothing identifying or free-text is ever stored in clear.
--  * Coded columns hold the codes of core/codes.c; bitmask columns (strand, vawg)
--    use the code's index as the bit number.
--  * Levels are integers: 0 standard, 1 medium, 2 high, NULL not assessed.
--  * Dates are 'YYYY-MM-DD' text, times 'YYYY-MM-DDTHH:MM:SSZ' (UTC).
--  * bi_* columns are 16-byte blind indexes (keyed BLAKE2b) for look-ups.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	role        TEXT NOT NULL CHECK (role IN ('caseworker','supervisor','auditor','admin')),
	active      INTEGER NOT NULL DEFAULT 1,
	created_at  TEXT NOT NULL,
	disabled_at TEXT,
	failed_unlocks INTEGER NOT NULL DEFAULT 0
);

-- One keyslot per user: the audit key (and, except for auditors, the data key)
-- wrapped under Argon2id(passphrase, salt).  Parameters live with the slot so
-- they can be raised later without breaking old slots.
CREATE TABLE keyslots (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id),
	alg        INTEGER NOT NULL,
	opslimit   INTEGER NOT NULL,
	memlimit   INTEGER NOT NULL,
	salt       BLOB NOT NULL,
	wrapped    BLOB NOT NULL,
	generation INTEGER NOT NULL,
	created_at TEXT NOT NULL
);

-- The VAWG strategy's eight strategic aims.
CREATE TABLE pathways (
	code       TEXT PRIMARY KEY,
	strand     TEXT NOT NULL CHECK (strand IN ('DA','SV')),
	aim        TEXT NOT NULL,
	wording    TEXT NOT NULL,
	core_offer TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE services (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	type          TEXT NOT NULL,
	pathway       TEXT NOT NULL REFERENCES pathways(code),
	strand        INTEGER NOT NULL,           -- bitmask DA=1 SV=2
	capacity      INTEGER NOT NULL CHECK (capacity >= 0),
	contact_days  INTEGER NOT NULL DEFAULT 2, -- first-contact standard, working days
	high_contact_days INTEGER NOT NULL DEFAULT 1,
	commissioned  INTEGER NOT NULL DEFAULT 1,
	active        INTEGER NOT NULL DEFAULT 1,
	open_cases    INTEGER NOT NULL DEFAULT 0  -- maintained by the core with allocations
);

-- Recommendation rules: data, not code.  NULL conditions match anything.
-- The first matching rule of each out_service_type (lowest priority first) applies.
CREATE TABLE rules (
	id           INTEGER PRIMARY KEY,
	priority     INTEGER NOT NULL,
	active       INTEGER NOT NULL DEFAULT 1,
	cond_strand  INTEGER,      -- bitmask that must intersect the referral's strand
	cond_min_level INTEGER,    -- level >= this
	cond_max_level INTEGER,    -- level <= this
	cond_marac   INTEGER,      -- marac flag equals this
	cond_vawg    INTEGER,      -- bitmask that must intersect the referral's VAWG types
	cond_children INTEGER,     -- 1: children in the household
	cond_max_age INTEGER,      -- person's age at referral <= this
	cond_perp_known INTEGER,   -- 1: a perpetrator is recorded
	cond_incident_within INTEGER, -- incident no more than N days before received_on
	cond_need_domain TEXT,
	cond_need_min INTEGER,     -- need level >= this (0 none .. 3 high)
	out_pathway  TEXT REFERENCES pathways(code),
	out_service_type TEXT,
	out_flag     TEXT,         -- 'safeguarding', 'mandatory_reporting', 'marac', 'sarc'
	reason       TEXT NOT NULL
);

CREATE TABLE people (
	id           INTEGER PRIMARY KEY,
	record_key   BLOB,          -- this person's own key, wrapped by the data key; NULL once erased
	first_name   BLOB,
	last_name    BLOB,
	date_of_birth BLOB,
	address      BLOB,
	postcode     BLOB,
	phone        BLOB,
	email        BLOB,
	safe_contact BLOB,          -- free-text safe-contact instructions
	safe_to_call INTEGER,       -- 1 yes, 0 no, NULL not known
	voicemail_ok INTEGER,
	letters_ok   INTEGER,
	bi_name_dob  BLOB,
	bi_phone     BLOB,
	bi_postcode  BLOB,
	created_at   TEXT NOT NULL,
	created_by   INTEGER REFERENCES users(id),
	erased_at    TEXT
);
CREATE INDEX people_bi_name_dob ON people(bi_name_dob) WHERE bi_name_dob IS NOT NULL;
CREATE INDEX people_bi_phone ON people(bi_phone) WHERE bi_phone IS NOT NULL;
CREATE INDEX people_bi_postcode ON people(bi_postcode) WHERE bi_postcode IS NOT NULL;

CREATE TABLE perpetrators (
	id           INTEGER PRIMARY KEY,
	record_key   BLOB,
	name         BLOB,
	date_of_birth BLOB,
	bi_name      BLOB,
	bi_name_dob  BLOB,
	created_at   TEXT NOT NULL,
	erased_at    TEXT
);
CREATE INDEX perpetrators_bi_name ON perpetrators(bi_name) WHERE bi_name IS NOT NULL;
CREATE INDEX perpetrators_bi_name_dob ON perpetrators(bi_name_dob) WHERE bi_name_dob IS NOT NULL;

CREATE TABLE referrals (
	id            INTEGER PRIMARY KEY,
	person_id     INTEGER NOT NULL REFERENCES people(id),
	perpetrator_id INTEGER REFERENCES perpetrators(id),
	received_on   TEXT NOT NULL,
	incident_on   TEXT,
	source        TEXT NOT NULL,
	strand        INTEGER NOT NULL CHECK (strand BETWEEN 1 AND 3),
	vawg          INTEGER NOT NULL,
	district      TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'new',
	-- risk, kept in step with the latest assessment
	level         INTEGER,
	dash_score    INTEGER,
	marac         INTEGER NOT NULL DEFAULT 0,
	marac_on      TEXT,          -- date referred to MARAC
	-- queue order: 0 high+MARAC, 1 high, 2 medium, 3 standard, 4 not assessed
	priority      INTEGER NOT NULL DEFAULT 4,
	-- flags
	safeguarding  INTEGER NOT NULL DEFAULT 0,
	mandatory_reporting INTEGER NOT NULL DEFAULT 0,
	sarc          INTEGER NOT NULL DEFAULT 0,
	repeat_victim INTEGER NOT NULL DEFAULT 0,  -- earlier referrals of the same person
	linked_by     TEXT,                        -- 'name_dob' or 'phone'
	serial_perpetrator INTEGER NOT NULL DEFAULT 0,
	escalation    INTEGER NOT NULL DEFAULT 0,
	repeat_marac  INTEGER NOT NULL DEFAULT 0,
	-- intake
	children_count INTEGER NOT NULL DEFAULT 0,
	perpetrator_relationship TEXT,
	consent_to_share INTEGER NOT NULL DEFAULT 0,
	sharing_basis TEXT,
	do_not_inform_perpetrator INTEGER NOT NULL DEFAULT 0,
	age_at_referral INTEGER,
	-- equality monitoring (codes)
	eq_sex        TEXT,
	eq_age_band   TEXT,
	eq_ethnicity  TEXT,
	eq_disability TEXT,
	eq_sexual_orientation TEXT,
	eq_gender_reassignment TEXT,
	eq_pregnancy  TEXT,
	eq_religion   TEXT,
	eq_interpreter TEXT,
	eq_nrpf       TEXT,
	notes         BLOB,
	-- recommendation from the rules
	rec_pathway   TEXT,
	rec_service_type TEXT,
	rec_reason    TEXT,
	-- allocation and casework
	service_id    INTEGER REFERENCES services(id),
	worker_id     INTEGER REFERENCES users(id),
	allocated_on  TEXT,
	contact_due   TEXT,
	first_contact_on TEXT,
	engaged       INTEGER NOT NULL DEFAULT 0,
	waiting_since TEXT,
	next_review   TEXT,
	closed_on     TEXT,
	close_reason  TEXT,
	-- bookkeeping
	created_at    TEXT NOT NULL,
	created_by    INTEGER NOT NULL REFERENCES users(id),
	updated_at    TEXT NOT NULL,
	updated_by    INTEGER NOT NULL REFERENCES users(id),
	version       INTEGER NOT NULL DEFAULT 1
);
-- The supervisor's allocation queue, paged by key (priority, received_on, id).
CREATE INDEX referrals_queue ON referrals(priority, received_on, id)
	WHERE status IN ('new','triaged') AND waiting_since IS NULL;
-- Waiting lists per service.
CREATE INDEX referrals_waiting ON referrals(service_id, priority, waiting_since, id)
	WHERE waiting_since IS NOT NULL;
-- A caseworker's caseload.
CREATE INDEX referrals_worker ON referrals(worker_id, priority, contact_due, id)
	WHERE status <> 'closed';
CREATE INDEX referrals_creator ON referrals(created_by, id);
-- Repeat victimisation and serial perpetrators.
CREATE INDEX referrals_person ON referrals(person_id, received_on);
CREATE INDEX referrals_perpetrator ON referrals(perpetrator_id) WHERE perpetrator_id IS NOT NULL;
-- Reports by period, and by service within a period.
CREATE INDEX referrals_received ON referrals(received_on);
CREATE INDEX referrals_service ON referrals(service_id, received_on);

CREATE TABLE referral_children (
	id          INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	age_years   INTEGER NOT NULL CHECK (age_years BETWEEN 0 AND 17)
);
CREATE INDEX referral_children_referral ON referral_children(referral_id);

-- Every assessment ever made; the referral row keeps the current result.
CREATE TABLE assessments (
	id          INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	kind        TEXT NOT NULL CHECK (kind IN ('dash','sdash','sv')),
	assessed_on TEXT NOT NULL,
	assessed_by INTEGER NOT NULL REFERENCES users(id),
	score       INTEGER,
	level       INTEGER,        -- final level after professional judgement
	score_level INTEGER,        -- level from the score or domains alone
	answers     BLOB,           -- sealed: the answers and their sources
	pj_reason   BLOB,           -- sealed: why professional judgement raised the level
	consent     INTEGER NOT NULL DEFAULT 0,
	marac       INTEGER NOT NULL DEFAULT 0,
	marac_criteria TEXT         -- e.g. 'visible_high;escalation'
);
CREATE INDEX assessments_referral ON assessments(referral_id, assessed_on);

CREATE TABLE needs (
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	domain      TEXT NOT NULL,
	level       INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
	assessed_on TEXT NOT NULL,
	assessed_by INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (referral_id, domain)
) WITHOUT ROWID;
CREATE INDEX needs_domain ON needs(domain, level);

-- Allocation history: active, waiting (service full) or ended.
CREATE TABLE allocations (
	id          INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	service_id  INTEGER NOT NULL REFERENCES services(id),
	worker_id   INTEGER REFERENCES users(id),
	state       TEXT NOT NULL CHECK (state IN ('active','waiting','ended')),
	allocated_on TEXT NOT NULL,
	allocated_by INTEGER NOT NULL REFERENCES users(id),
	due_on      TEXT,
	override_reason BLOB,      -- sealed: why the recommendation was overridden
	overridden  INTEGER NOT NULL DEFAULT 0,
	ended_on    TEXT
);
CREATE INDEX allocations_referral ON allocations(referral_id);
CREATE INDEX allocations_service ON allocations(service_id, state);

-- The case timeline: contacts, notes, status changes, re-assessments.
CREATE TABLE case_events (
	id          INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	at          TEXT NOT NULL,
	by_user     INTEGER NOT NULL REFERENCES users(id),
	kind        TEXT NOT NULL,  -- contact_attempted, contact_made, contact_unsafe, note, status, assessment, allocation, closure
	body        BLOB            -- sealed free text
);
CREATE INDEX case_events_referral ON case_events(referral_id, id);

CREATE TABLE outcomes (
	referral_id INTEGER PRIMARY KEY REFERENCES referrals(id),
	closed_on   TEXT NOT NULL,
	reason      TEXT NOT NULL,
	abuse_stopped INTEGER,      -- 1 yes, 0 no, NULL not known
	exit_level  INTEGER,
	feels_safer INTEGER,
	quality_of_life INTEGER CHECK (quality_of_life BETWEEN 1 AND 5),
	closed_by   INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX outcomes_closed ON outcomes(closed_on);

-- Records opened outside one's own caseload, with the reason (sealed under a
-- key derived from the audit key, so supervisors and auditors can read it).
CREATE TABLE break_glass (
	id          INTEGER PRIMARY KEY,
	at          TEXT NOT NULL,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	reason      BLOB NOT NULL
);
CREATE INDEX break_glass_user ON break_glass(user_id, referral_id);

-- Append-only, hash-chained audit log.  Entries hold ids and counts, never a
-- decrypted value.  The triggers stop accidents; the chain catches the rest.
CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	user_id   INTEGER,
	user_name TEXT NOT NULL,
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL DEFAULT '',
	entity_id INTEGER,
	detail    TEXT NOT NULL DEFAULT '',
	prev_hash BLOB NOT NULL,
	hash      BLOB NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- INSERT OR REPLACE deletes without firing delete triggers
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE districts (
	code        TEXT PRIMARY KEY,
	label       TEXT NOT NULL,
	adult_women INTEGER       -- population for rates per 10 000; admin-editable
) WITHOUT ROWID;

INSERT INTO districts(code, label, adult_women) VALUES
	('cambridge', 'Cambridge', 59000),
	('east_cambridgeshire', 'East Cambridgeshire', 36000),
	('fenland', 'Fenland', 40000),
	('huntingdonshire', 'Huntingdonshire', 74000),
	('south_cambridgeshire', 'South Cambridgeshire', 66000),
	('peterborough', 'Peterborough', 80000),
	('out_of_area', 'Out of area', NULL);

INSERT INTO settings(key, value) VALUES
	('dash_medium_min', '10'),
	('dash_high_min', '14'),
	('marac_consent_min', '14'),
	('marac_auto_min', '17'),
	('escalation_count', '3'),
	('escalation_days', '365'),
	('repeat_days', '365'),
	('reassess_days', '56'),
	('idle_lock_seconds', '600'),
	('suppress_below', '5'),
	('retention_years', '6'),
	('demo', '0');
