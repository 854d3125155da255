import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLoginPatient, STAFF, staffLogin, uniquePhone } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/*
 * Issue 14, item 1: a patient who leaves optional fields empty must be able to save the
 * profile. null and "" mean "not set" (stored as null); only a present, wrong value is an error.
 */

let server: TestServer;
let staffToken: string;
beforeAll(async () => {
  server = await startTestServer();
  staffToken = await staffLogin(server.http);
});
afterAll(async () => server?.close());

const OPTIONAL_FIELDS = ['gender', 'birth_date', 'address', 'medical_history', 'avatar_url'] as const;
const FILLED = { gender: 'female', birth_date: '1990-05-17', address: '上海市徐汇区', medical_history: '青霉素过敏' };

async function storedOptionalFields(patientId: number) {
  return server.database.db
    .selectFrom('patients')
    .select(['sex', 'birth_date', 'address', 'medical_history', 'avatar_url'])
    .where('id', '=', patientId)
    .executeTakeFirstOrThrow();
}

const NOTHING_STORED = { sex: null, birth_date: null, address: null, medical_history: null, avatar_url: null };

describe('PUT|PATCH /patient/patient_manage with empty optional fields', () => {
  it.each(['PATCH', 'PUT'] as const)(
    "saves our portal's first profile save (%s, gender and the rest null)",
    async (method) => {
      const patient = await registerAndLoginPatient(server.http, uniquePhone(), '新患者');
      // web/portal/pages/ProfileForm.tsx: a patient who picked no gender and left the rest empty.
      const body = {
        phone: patient.phone,
        name: '新患者',
        gender: null,
        birth_date: null,
        address: null,
        medical_history: null,
      };
      const response = await server.http.request(method, '/patient/patient_manage', {
        bearer: patient.token,
        json: body,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        code: 1,
        data: {
          phone: patient.phone,
          name: '新患者',
          gender: null,
          birth_date: null,
          address: null,
          medical_history: null,
          avatar_url: null,
        },
      });
      expect(await storedOptionalFields(patient.patientId)).toEqual(NOTHING_STORED);
    },
  );

  it.each(['PATCH', 'PUT'] as const)(
    "saves the seed front end's body (%s: null gender and birth date, empty strings elsewhere)",
    async (method) => {
      const patient = await registerAndLoginPatient(server.http, uniquePhone(), '种子前端');
      const body = {
        phone: patient.phone,
        name: '种子前端',
        gender: null,
        birth_date: null,
        address: '',
        medical_history: '',
        avatar_url: '',
      };
      const response = await server.http.request(method, '/patient/patient_manage', {
        bearer: patient.token,
        json: body,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.data).toEqual({
        phone: patient.phone,
        phone_verified: false,
        name: '种子前端',
        gender: null,
        birth_date: null,
        address: null,
        medical_history: null,
        avatar_url: null,
      });
      expect(await storedOptionalFields(patient.patientId)).toEqual(NOTHING_STORED);
    },
  );

  it.each(['PATCH', 'PUT'] as const)(
    'takes "" in every optional field as "not set" and clears what was stored (%s)',
    async (method) => {
      const patient = await registerAndLoginPatient(server.http);
      const filled = await server.http.patch('/patient/patient_manage', {
        bearer: patient.token,
        json: { phone: patient.phone, name: '甲', ...FILLED },
      });
      expect(filled.status).toBe(200);
      expect(filled.body.data).toMatchObject(FILLED);

      const empty = Object.fromEntries(OPTIONAL_FIELDS.map((field) => [field, '']));
      const cleared = await server.http.request(method, '/patient/patient_manage', {
        bearer: patient.token,
        json: { phone: patient.phone, name: '甲', ...empty },
      });
      expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
      expect(cleared.body.data).toMatchObject({
        gender: null,
        birth_date: null,
        address: null,
        medical_history: null,
        avatar_url: null,
      });
      // Stored as null, never as "": staff see "not set" too.
      expect(await storedOptionalFields(patient.patientId)).toEqual(NOTHING_STORED);
      const detail = await server.http.get(`${STAFF}/patient/${patient.patientId}`, { query: { token: staffToken } });
      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.body)).not.toContain('""');
    },
  );

  it.each([
    [{ gender: 'x' }, 'gender'],
    [{ gender: 0 }, 'gender'],
    [{ gender: false }, 'gender'],
    [{ gender: 'MALE' }, 'gender'],
    [{ birth_date: 'abc' }, 'birth_date'],
    [{ birth_date: '1990-13-01' }, 'birth_date'],
    [{ birth_date: ' ' }, 'birth_date'],
    [{ birth_date: 0 }, 'birth_date'],
    [{ address: 'x'.repeat(201) }, 'address'],
    [{ address: 0 }, 'address'],
    [{ medical_history: false }, 'medical_history'],
    [{ avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
    [{ avatar_url: 0 }, 'avatar_url'],
  ])('still refuses a present, wrong value %j with 400 naming %s, and changes nothing', async (change, field) => {
    const patient = await registerAndLoginPatient(server.http, uniquePhone(), '原名');
    await server.http.patch('/patient/patient_manage', {
      bearer: patient.token,
      json: { phone: patient.phone, name: '原名', ...FILLED },
    });
    for (const method of ['PATCH', 'PUT']) {
      const response = await server.http.request(method, '/patient/patient_manage', {
        bearer: patient.token,
        json: { phone: patient.phone, name: '改名', ...change },
      });
      expect(response.status, `${method} ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body).toMatchObject({ code: 0, data: null, field });
      expect(response.body.msg).toContain(field);
    }
    const profile = await server.http.get('/patient', { bearer: patient.token });
    expect(profile.body.data).toMatchObject({ name: '原名', ...FILLED });
  });
});

describe('nullable values in the published contract (/docs/json)', () => {
  /** Every schema that allows null by its type but restricts values by enum or const must list null among them. */
  function nullRefusedBy(schema: unknown, path: string, found: string[]): void {
    if (Array.isArray(schema)) return schema.forEach((item, index) => nullRefusedBy(item, `${path}[${index}]`, found));
    if (!schema || typeof schema !== 'object') return;
    const node = schema as Record<string, unknown>;
    const allowsNull = node.type === 'null' || (Array.isArray(node.type) && node.type.includes('null'));
    if (allowsNull && Array.isArray(node.enum) && !node.enum.includes(null)) found.push(path);
    if (allowsNull && 'const' in node && node.const !== null) found.push(path);
    for (const [key, value] of Object.entries(node)) nullRefusedBy(value, `${path}/${key}`, found);
  }

  it('lists null in the enum or const of every schema whose type allows null (staff and portal)', async () => {
    const document = await server.http.get('/docs/json');
    expect(document.status).toBe(200);
    const found: string[] = [];
    nullRefusedBy(document.body.paths, '', found);
    expect(found).toEqual([]);
  });
});
