import { Type } from 'typebox';
import { staffOf } from '../../http/request-context.js';
import { StaffTokenOnly, withErrors } from '../../http/schemas.js';
import type { TypedApp } from '../../http/typed-app.js';
import { menuFor } from './menu-tree.js';

const MenuLeafSchema = Type.Object({ id: Type.String(), title: Type.String(), name: Type.String(), url: Type.String() });
const MenuSchema = Type.Array(
  Type.Object({ title: Type.String(), name: Type.String(), url: Type.String(), child: Type.Array(MenuLeafSchema) }),
);

export function registerMenuRoutes(app: TypedApp): void {
  app.get('/menu', {
    schema: {
      tags: ['staff: menu'],
      summary: "The signed-in user's menu (seed 004): only the entries the role permits",
      querystring: StaffTokenOnly,
      response: withErrors('staff', { 200: MenuSchema }, [401, 403]),
    },
    config: { access: 'authenticated' },
    handler: async (request) => menuFor(staffOf(request).permissions),
  });
}
