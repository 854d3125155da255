import type { PermissionKey } from './permissions.js';

/** Who is calling: set by each API family's guard once the token is verified. */
export interface StaffPrincipal {
  id: number;
  username: string;
  displayName: string;
  roleId: number;
  permissions: ReadonlySet<PermissionKey>;
  sessionId: string;
  /** The catalog doctor this account is (staff_users.doctor_id): the doctor scope and 医生工作台. */
  doctorId: number | null;
}

/** The portal profile's stored fields (see PortalAccountRepository). */
export interface PatientProfileRow {
  phone: string;
  /** When the login phone was last proved (code or desk); null = never. */
  phone_verified_at: number | null;
  name: string;
  sex: number | null;
  address: string | null;
  avatar_url: string | null;
  birth_date: string | null;
  medical_history: string | null;
}

export interface PatientPrincipal {
  accountId: number;
  patientId: number;
  sessionId: string;
  /** The profile as read with the session, at the start of this request. */
  profile: Readonly<PatientProfileRow>;
}
