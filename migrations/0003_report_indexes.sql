-- 0003_report_indexes: indexes for the commissioning reports and the audit view.
--
-- Reports read a period's referrals in one pass over received_on.  With this
-- covering index the pass reads index pages only (coded columns, no sealed
-- blobs), about half the work of visiting every wide table row.  Its columns
-- are exactly those the report queries read (core/report_tally.c).
CREATE INDEX referrals_report ON referrals(received_on, strand, district, service_id,
	rec_pathway, level, marac, repeat_marac, escalation, allocated_on, first_contact_on,
	waiting_since, engaged, status, close_reason, source, eq_sex, eq_age_band,
	eq_ethnicity, eq_disability, eq_sexual_orientation, eq_gender_reassignment,
	eq_pregnancy, eq_religion, eq_interpreter, eq_nrpf);

-- Outcomes compare the exit level with the level of the first assessment:
-- this finds it for each closed case without reading the sealed answers.
CREATE INDEX assessments_first ON assessments(referral_id, assessed_on, id, kind, level);

-- The audit view pages break-glass events newest first without walking the log.
CREATE INDEX audit_log_action ON audit_log(action, id);

-- Outcomes of cases closed in a period, and the few referral columns they
-- are grouped and filtered by, without reading wide referral rows.
CREATE INDEX outcomes_report ON outcomes(closed_on, abuse_stopped, exit_level, feels_safer,
	quality_of_life);
CREATE INDEX referrals_report_id ON referrals(id, strand, district, service_id, rec_pathway);
