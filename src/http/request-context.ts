import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../domain/audit.js';
import type { PermissionKey } from '../domain/permissions.js';

export interface StaffPrincipal {
  id: number;
  username: string;
  displayName: string;
  roleId: number;
  permissions: ReadonlySet<PermissionKey>;
  sessionId: string;
}

/** The portal profile's stored fields (see PortalAccountRepository). */
export interface PatientProfileRow {
  phone: string;
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

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffPrincipal;
    patientPrincipal?: PatientPrincipal;
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function auditActorOf(request: FastifyRequest, label?: string): AuditActor {
  const base = {
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent'] ?? null,
    requestId: request.id,
    label: label ?? null,
  };
  if (request.staff) return { ...base, type: 'staff', id: request.staff.id, label: label ?? request.staff.username };
  if (request.patientPrincipal) return { ...base, type: 'patient', id: request.patientPrincipal.patientId };
  return { ...base, type: 'anonymous', id: null };
}

/** The signed-in staff user; routes behind a staff access declaration always have one. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new Error('staff route reached without a principal: access declaration missing');
  return request.staff;
}

export function patientOf(request: FastifyRequest): PatientPrincipal {
  if (!request.patientPrincipal) throw new Error('portal route reached without a principal: access declaration missing');
  return request.patientPrincipal;
}
