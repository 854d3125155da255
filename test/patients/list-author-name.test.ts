import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser, DEFAULT_ROLE, STAFF, unixNow } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the pool list', () => {
  it("carries the consultant's name on each row, for roles that cannot list staff", async () => {
    const consultant = await createStaffUser(server, 'named_consultant', DEFAULT_ROLE.consultant);
    await server.database.db
      .updateTable('staff_users')
      .set({ display_name: '赵咨询' })
      .where('id', '=', consultant.id)
      .execute();
    const created = await server.http.post(`${STAFF}/patient/`, {
      bearer: consultant.token,
      json: { name: '有咨询员的客户', add_time: unixNow() - 60, state: 0 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const desk = await createStaffUser(server, 'list_desk', DEFAULT_ROLE.frontDesk);
    const list = await server.http.get(`${STAFF}/patient?keyword=${encodeURIComponent('有咨询员的客户')}`, {
      bearer: desk.token,
    });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.patients).toEqual([
      expect.objectContaining({ authorId: String(consultant.id), authorName: '赵咨询' }),
    ]);
  });
});
