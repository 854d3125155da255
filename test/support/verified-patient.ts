import { expect } from 'vitest';
import { lastCodeSentTo } from '../notifications/support/messages.js';
import type { TestServer } from './server.js';

/**
 * Registers with a verification code (the SMS stays in the outbox with the log transport) and
 * signs in: the account is verified and attached to the record the clinic holds for the phone.
 */
export async function registerVerifiedPatient(
  server: TestServer,
  phone: string,
  name = '测试患者',
  password = 'patient-pass-1',
) {
  const sent = await server.http.post('/patient/verification-codes', { json: { phone, purpose: 'register' } });
  expect(sent.status, sent.text).toBe(200);
  const code = await lastCodeSentTo(server, phone);
  const registered = await server.http.post('/patient/register', { json: { phone, password, name, code } });
  expect(registered.status, registered.text).toBe(200);
  const login = await server.http.post('/patient/login', { json: { phone, password } });
  expect(login.status, login.text).toBe(200);
  return { phone, password, token: login.body.data.token as string, patientId: login.body.data.id as number };
}
