-- One counter receipt in raw SQL, the database's own limit for what receive_at_counter
-- commits: the day's code counter (upsert), the dossier row (every index of the real
-- table), three component rows, the event. Run by bench/pgbench_receipt.py, which passes the
-- demo's ids with -D and deletes the rows afterwards (codes start with "PGB").
\set desk :client_id % :desks
BEGIN;
INSERT INTO dossiers_codesequence AS s (agency_code, day, last)
  VALUES ('PGB' || :desk, current_date, 1)
  ON CONFLICT (agency_code, day) DO UPDATE SET last = s.last + 1
  RETURNING last AS seq \gset
INSERT INTO dossiers_dossier (code, version_id, rule_set, state, channel, row_version,
    applicant_type, applicant_name, applicant_id_number, applicant_address, applicant_phone,
    applicant_email, representative_name, representative_id_number, summary, sets,
    return_method, return_address, receiving_unit_id, competent_unit_id, current_unit_id,
    receiving_path, competent_path, current_path, step_order, step_name, step_role,
    step_started_at, step_due_at, created_at, received_at, original_due_at, due_at,
    supplement_requests, apologies, fee_total, paid_online, e_result, result_number, verdict)
  VALUES ('PGB' || :desk || '-' || to_char(now(), 'YYMMDD') || '-'
            || lpad(:seq::text, greatest(4, length(:seq::text)), '0'),
          :version, 'ND118_TT03', 'RECEIVED', 'direct', 1, 'citizen', 'Nguyễn Thị Ngọc Ánh',
          '037190000123', 'Thôn Đông, xã Gia Viễn', '0912345678', '', '', '',
          'Đăng ký khai sinh', 1, 'desk', '', :desk_unit, :competent_unit, :desk_unit,
          :desk_path, :competent_path, :desk_path, 1, 'Tiếp nhận hồ sơ', 'RECEIVER',
          now(), now() + interval '4 hours', now(), now(), now() + interval '3 days',
          now() + interval '3 days', 0, 0, 0, false, false, '', '')
  RETURNING id AS dossier \gset
INSERT INTO dossiers_component (dossier_id, document_id, name, form, count, digitized, reused)
  VALUES (:dossier, :document, 'Tờ khai đăng ký khai sinh', 'original', 1, false, false),
         (:dossier, :document, 'Giấy chứng sinh', 'original', 1, false, false),
         (:dossier, :document, 'Giấy tờ tùy thân của người đi đăng ký', 'copy', 1, false, false)
  RETURNING id;
INSERT INTO dossiers_event (dossier_id, seq, action, at, actor_id, actor_name, role, unit_id,
    from_state, to_state, step_order, step_name, to_unit_id, to_step_order, note, due_before,
    due_after, step_due, verdict, data)
  VALUES (:dossier, 1, 'receive', now(), :actor, 'Bùi Văn Hùng', 'RECEIVER', :desk_unit, '',
          'RECEIVED', NULL, '', NULL, NULL, '', NULL, now() + interval '3 days', NULL, '', '{}')
  RETURNING id;
COMMIT;
