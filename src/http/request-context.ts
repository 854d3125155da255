import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../domain/audit.js';
import type { PatientPrincipal, StaffPrincipal } from '../domain/principals.js';

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
  if (!request.patientPrincipal)
    throw new Error('portal route reached without a principal: access declaration missing');
  return request.patientPrincipal;
}
