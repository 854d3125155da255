import type { Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';

/**
 * Table types shared by both dialects. Times are Unix seconds (bigint columns parsed to
 * number), booleans are 0/1 integers so the same SQL runs on SQLite and PostgreSQL.
 */
/** Where a repository method runs: the database, or the caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface Database {
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  staff_users: StaffUsersTable;
  auth_sessions: AuthSessionsTable;
  login_throttle: LoginThrottleTable;
  phone_lookups: PhoneLookupsTable;
  departments: DepartmentsTable;
  diseases: DiseasesTable;
  doctors: DoctorsTable;
  channels: ChannelsTable;
  advisory_ways: AdvisoryWaysTable;
  patients: PatientsTable;
  patient_accounts: PatientAccountsTable;
  audit_log: AuditLogTable;
  audit_denials: AuditDenialsTable;
  visits: VisitsTable;
  follow_ups: FollowUpsTable;
  doctor_weekly_sessions: DoctorWeeklySessionsTable;
  doctor_session_exceptions: DoctorSessionExceptionsTable;
  session_counters: SessionCountersTable;
  appointments: AppointmentsTable;
  avatar_files: AvatarFilesTable;
  notification_outbox: NotificationOutboxTable;
  notification_templates: NotificationTemplatesTable;
  notification_settings: NotificationSettingsTable;
  notification_reminders: NotificationRemindersTable;
  verification_codes: VerificationCodesTable;
  verification_limits: VerificationLimitsTable;
  marketing_costs: MarketingCostsTable;
  visit_notes: VisitNotesTable;
  visit_note_versions: VisitNoteVersionsTable;
  visit_note_attachments: VisitNoteAttachmentsTable;
  consultations: ConsultationsTable;
  consultation_messages: ConsultationMessagesTable;
  consultation_image_files: ConsultationImageFilesTable;
}

export interface RolesTable {
  id: Generated<number>;
  name: string;
  /** Built-in roles: `administrator` can be neither deleted nor stripped of role management. */
  builtin_key: string | null;
  /** Bumped on every permission change, so cached permission sets know they are stale. */
  version: Generated<number>;
  created_at: number;
}

export interface RolePermissionsTable {
  role_id: number;
  permission_key: string;
}

export interface StaffUsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role_id: number;
  /** The catalog doctor this account is, one account per doctor (0025); null: not a doctor. */
  doctor_id: number | null;
  is_active: Generated<number>;
  created_at: number;
  updated_at: number;
}

export type SessionFamily = 'staff' | 'patient';

/**
 * One row per issued token (its `jti`). A token is accepted only while its row exists and
 * is not revoked, which makes logout, refresh rotation, password change and account
 * disabling take effect at once on every instance sharing the database.
 */
export interface AuthSessionsTable {
  id: string;
  family: SessionFamily;
  subject_id: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: number;
  locked_until: number | null;
}

/** Whole-phone-number lookups by one staff account that sees phones masked, per clinic day (0014). */
export interface PhoneLookupsTable {
  staff_id: number;
  /** YYYY-MM-DD in the clinic's calendar. */
  day: string;
  lookups: number;
}

export interface DepartmentsTable {
  id: Generated<number>;
  name: string;
  sort_order: Generated<number>;
  is_active: Generated<number>;
}

export interface DiseasesTable {
  id: Generated<number>;
  department_id: number;
  name: string;
  sort_order: Generated<number>;
  is_active: Generated<number>;
}

export interface DoctorsTable {
  id: Generated<number>;
  name: string;
  department_id: number | null;
  title: string | null;
  specialty: string | null;
  sort_order: Generated<number>;
  is_active: Generated<number>;
}

export interface ChannelsTable {
  id: Generated<number>;
  name: string;
  /** Stable key for channels the system itself assigns (e.g. portal self-registration). */
  system_key: string | null;
  sort_order: Generated<number>;
  is_active: Generated<number>;
}

export interface AdvisoryWaysTable {
  id: Generated<number>;
  name: string;
  sort_order: Generated<number>;
  is_active: Generated<number>;
}

/** 0 未到 (not arrived), 1 已到 (arrived), 2 流失 (lost). */
export type PatientState = 0 | 1 | 2;

export interface PatientsTable {
  id: Generated<number>;
  name: string;
  /** 0 male, 1 female. */
  sex: number | null;
  age: number | null;
  tel: string | null;
  wechat: string | null;
  qq: string | null;
  add_time: number;
  order_time: number | null;
  reach_time: number | null;
  disease_id: number | null;
  /**
   * The consultant holding the patient: who registered them, until a handover or a claim from the
   * shared pool moves them. null: no consultant (a portal self-registration, or in the shared pool).
   */
  author_id: number | null;
  state: number;
  media_from_id: number | null;
  doctor_id: number | null;
  advisory_way: string | null;
  advisory_content: string | null;
  area: string | null;
  remarks: string | null;
  birth_date: string | null;
  address: string | null;
  medical_history: string | null;
  avatar_url: string | null;
  deleted_at: number | null;
  /** Staff user who moved the record into the recycle bin. */
  deleted_by: number | null;
  /** Total spend over all visits, in fen (1/100 yuan). */
  spend_fen: Generated<number>;
  visit_count: Generated<number>;
  /** The latest follow-up contact's time (0022, kept by a trigger on follow_ups); null before the first. */
  last_contact_at: number | null;
  /** The date the latest follow-up asked for the next contact (YYYY-MM-DD, clinic calendar); null: none planned. */
  next_follow_up_date: string | null;
  /** When the patient entered the shared pool (公海) by the POOL_RETURN_DAYS rule (0023); null otherwise. */
  pooled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PatientAccountsTable {
  id: Generated<number>;
  patient_id: number;
  /** Login phone; kept equal to patients.tel by every write path. */
  phone: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
  /** When the account last proved its phone with a code or at the desk (0017); null = never. */
  phone_verified_at: number | null;
}

export type AuditActorType = 'staff' | 'patient' | 'anonymous' | 'system';
/** denied: a staff request refused by a permission or scope check (403, or 404 on a record out of reach). */
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditLogTable {
  id: Generated<number>;
  /** Unix milliseconds (UTC): events within one second keep their order. */
  occurred_at: number;
  actor_type: AuditActorType;
  actor_id: number | null;
  /** Username or phone tried, for failed logins where no actor is known; never a secret. */
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** JSON text: changed fields (before/after, phones masked), reasons. */
  details: string | null;
}

/** Repeats of one staff account's denials on one route within one minute (see 0015). */
export interface AuditDenialsTable {
  actor_id: number;
  route: string;
  minute: number;
  attempts: number;
}

/** One arrival at the clinic: the first visit or a return. */
export interface VisitsTable {
  id: Generated<number>;
  patient_id: number;
  doctor_id: number | null;
  visit_time: number;
  is_first_visit: number;
  spend_fen: Generated<number>;
  appointment_id: number | null;
  notes: string | null;
  recorded_by: number | null;
  created_at: number;
}

/** A contact by staff (回访) on the patient's timeline. */
export interface FollowUpsTable {
  id: Generated<number>;
  patient_id: number;
  staff_id: number;
  contact_time: number;
  way: string;
  content: string;
  /** YYYY-MM-DD in the clinic's calendar; drives "follow-ups due today". */
  next_follow_up_date: string | null;
  /** When the patient entered the shared pool (公海) by the POOL_RETURN_DAYS rule (0023); null otherwise. */
  pooled_at: number | null;
  created_at: number;
}

/** Half-day consultation sessions. */
export type SessionPeriod = 'morning' | 'afternoon';

/** The repeating week of a doctor: weekday 1 (Monday) to 7 (Sunday). */
export interface DoctorWeeklySessionsTable {
  id: Generated<number>;
  doctor_id: number;
  weekday: number;
  period: SessionPeriod;
  capacity: number;
  created_at: number;
  updated_at: number;
}

/** 'cancelled': the dated session is not held; 'extra': it is held with this capacity (added or re-sized). */
export type SessionExceptionKind = 'cancelled' | 'extra';

export interface DoctorSessionExceptionsTable {
  id: Generated<number>;
  doctor_id: number;
  /** YYYY-MM-DD in the clinic's calendar. */
  session_date: string;
  period: SessionPeriod;
  kind: SessionExceptionKind;
  capacity: number | null;
  reason: string | null;
  created_by: number | null;
  created_at: number;
}

/** Places taken in one dated session; the row every booking of that session locks first. */
export interface SessionCountersTable {
  id: Generated<number>;
  doctor_id: number;
  session_date: string;
  period: SessionPeriod;
  booked: Generated<number>;
}

export type AppointmentStatus = 'booked' | 'cancelled' | 'arrived' | 'missed';
export type AppointmentSource = 'portal' | 'staff';

export interface AppointmentsTable {
  id: Generated<number>;
  patient_id: number;
  doctor_id: number;
  session_date: string;
  period: SessionPeriod;
  /** Unix seconds of the session's start in the clinic's time zone. */
  start_time: number;
  status: AppointmentStatus;
  source: AppointmentSource;
  /** Staff user who booked on the patient's behalf (source 'staff'). */
  booked_by: number | null;
  cancelled_at: number | null;
  cancelled_by_type: 'patient' | 'staff' | null;
  cancelled_by_id: number | null;
  cancel_reason: string | null;
  visit_id: number | null;
  /** When the doctor marked the arrived patient seen (已诊, 医生工作台); null: not yet (0025). */
  seen_at: number | null;
  /** 就诊原因 the booking gave (0028); null: none given. */
  visit_reason: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * Avatar files the server stored (0013), by the name under /uploads/avatars/, and whose they
 * are: a patient may show only their own, and replacing an avatar deletes only their own.
 */
export interface AvatarFilesTable {
  file_name: string;
  /** null once the record is purged: the file is no longer served and awaits deletion. */
  patient_id: number | null;
  created_at: number;
}

export type NotificationChannel = 'sms' | 'email' | 'wechat';
export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type NotificationLanguage = 'zh-CN' | 'en';

/** One message to one address on one channel (0016). Times are Unix milliseconds. */
export interface NotificationOutboxTable {
  id: Generated<number>;
  /** Stable per row, sent to providers that take one (Alibaba OutId, SMTP Message-ID, Tencent SessionContext). */
  idempotency_key: string;
  event: string;
  channel: NotificationChannel;
  /** The transport that handled the last attempt: log, aliyun, tencent, smtp, wechat. */
  transport: string | null;
  patient_id: number | null;
  appointment_id: number | null;
  /** Phone, email address or WeChat openid. */
  recipient: string;
  language: NotificationLanguage;
  subject: string | null;
  body: string;
  /** JSON object of the placeholders' values. */
  params: string;
  provider_template: string | null;
  sign_name: string | null;
  status: NotificationStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  claimed_until: number | null;
  claim_token: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  provider_answer: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface NotificationTemplatesTable {
  id: Generated<number>;
  event: string;
  language: NotificationLanguage;
  channel: NotificationChannel;
  subject: string | null;
  body: string;
  /** SMS: Alibaba TemplateCode / Tencent TemplateId; WeChat: template_id. */
  provider_template: string | null;
  sign_name: string | null;
  updated_at: number;
  updated_by: number | null;
}

/** Marketing spend of one channel in one calendar month (0021). */
export interface MarketingCostsTable {
  channel_id: number;
  /** YYYY-MM in the clinic's calendar. */
  month: string;
  amount_fen: number;
  updated_at: number;
  updated_by: number | null;
}

/** Per portal account; a patient without one gets the defaults (SMS to the record's tel, zh-CN). */
export interface NotificationSettingsTable {
  account_id: number;
  reminders: Generated<number>;
  language: Generated<NotificationLanguage>;
  sms: Generated<number>;
  email_enabled: Generated<number>;
  email: string | null;
  wechat: Generated<number>;
  wechat_openid: string | null;
  wechat_linked_at: number | null;
  updated_at: number;
}

/** A reminder enqueued for an appointment: (appointment, kind) once. */
export interface NotificationRemindersTable {
  appointment_id: number;
  kind: 'day_before' | 'hours_before';
  created_at: number;
}

export type VerificationPurpose = 'register' | 'claim' | 'reset' | 'change_phone';

export interface VerificationCodesTable {
  id: Generated<number>;
  phone: string;
  purpose: VerificationPurpose;
  account_id: number | null;
  code_hash: string;
  attempts: Generated<number>;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** Code requests per phone and per client address in one clinic day (0017). */
export interface VerificationLimitsTable {
  key: string;
  day: string;
  requests: number;
  last_request_at: number;
}

export type PatientRow = Selectable<PatientsTable>;
export type NewPatientRow = Insertable<PatientsTable>;
export type PatientUpdate = Updateable<PatientsTable>;
export type StaffUserRow = Selectable<StaffUsersTable>;
export type NewAuditRow = Insertable<AuditLogTable>;

/** A visit's note (病历, 0026): its text lives in visit_note_versions, never overwritten. */
export interface VisitNotesTable {
  id: Generated<number>;
  visit_id: number;
  patient_id: number;
  /** The number of the newest version: the current text. */
  latest_version: number;
  created_by: number;
  created_at: number;
  /** When the note was released to the patient's portal; null = internal. */
  released_at: number | null;
  released_by: number | null;
}

/** One signed version of a note: version 1 is the first write, each later one an amendment with its reason. */
export interface VisitNoteVersionsTable {
  id: Generated<number>;
  note_id: number;
  version: number;
  chief_complaint: string | null;
  findings: string | null;
  diagnosis_disease_id: number | null;
  /** The catalog name as it read when signed. */
  diagnosis_disease_name: string | null;
  diagnosis_text: string | null;
  advice: string | null;
  /** YYYY-MM-DD (clinic calendar). */
  follow_up_date: string | null;
  reason: string | null;
  written_by: number;
  written_at: number;
}

/** A file attached to a note; note_id null once the patient is purged (the file awaits deletion). */
export interface VisitNoteAttachmentsTable {
  id: Generated<number>;
  note_id: number | null;
  file_name: string;
  content_type: string;
  byte_size: number;
  uploaded_by: number;
  uploaded_at: number;
}

/** A consultation (问诊, 0027): one thread between a patient and a doctor; at most one open per pair. */
export interface ConsultationsTable {
  id: Generated<number>;
  patient_id: number;
  doctor_id: number;
  status: 'open' | 'closed';
  /** The doctor's messages the patient has not read, and the patient's the doctor has not. */
  patient_unread: number;
  doctor_unread: number;
  /** A preview of the newest message's text, for lists (null for an image or the close). */
  last_message: string | null;
  /** What the newest message is: each screen labels an image or the close in its own language. */
  last_message_kind: 'text' | 'image' | 'closed' | null;
  last_message_at: number;
  /** When the patient is told of an unread answer through the outbox; null = nothing to tell. */
  notice_due_at: number | null;
  created_at: number;
  closed_at: number | null;
  closed_by: number | null;
}

/** One message of a consultation, never changed: text, an image, or the system's "closed". */
export interface ConsultationMessagesTable {
  id: Generated<number>;
  consultation_id: number;
  sender: 'patient' | 'doctor' | 'system';
  kind: 'text' | 'image' | 'closed';
  /** The staff account that wrote a doctor's or system message. */
  author_staff_id: number | null;
  body: string | null;
  image_file: string | null;
  image_type: string | null;
  image_bytes: number | null;
  created_at: number;
}

/** Every consultation image file; consultation_id null once the patient is purged (the file awaits deletion). */
export interface ConsultationImageFilesTable {
  file_name: string;
  consultation_id: number | null;
  created_at: number;
}
