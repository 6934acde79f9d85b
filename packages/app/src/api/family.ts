// Family binding over HTTP: family asks and confirms with the elder's code; the elder or staff
// confirm directly; either side unbinds.
import * as z from 'zod/mini';
import {
  confirmBindingDirect,
  confirmBindingWithCode,
  removeBinding,
  requestBinding,
} from '@tmc/core/elders/family/bindings';
import { defineRoute, pathElder } from '../http/route';
import { clientKey } from '../http/client-address';
import { describeRule } from '@tmc/core/auth/attempts';
import { ElderIdParam } from './elders';
import { FreeText } from '@tmc/core/kernel/text';
import { FamilyId, CardNumber, SixDigits } from '@tmc/core/kernel/ids';

const BindingView = z.object({
  family_id: z.string(),
  elder_id: z.string(),
  status: z.enum(['pending', 'active', 'removed']),
  family_phone_masked: z.string(),
  relation: z.string(),
  requested_at: z.string(),
  decided_at: z.nullable(z.string()),
});
const ElderIdP = z.object({ elder_id: ElderIdParam });
const FamilyIdP = z.object({ family_id: FamilyId });
const BothP = z.extend(ElderIdP, FamilyIdP.shape);

const view = (b: z.infer<typeof BindingView>) => BindingView.parse(b);

export const familyRoutes = () => [
  defineRoute({
    method: 'post',
    path: '/api/family/bindings',
    access: { roles: ['family'] },
    tags: ['family'],
    summary: "Ask to bind to an elder by points-card number; a code goes to the elder's phone",
    body: z.object({ card_number: CardNumber, relation: FreeText(1, 10) }),
    response: z.object({ binding: BindingView, code_sent: z.boolean() }),
    successStatus: 201,
    description: describeRule('otp_send_per_address', 'ADDRESS_RATE_LIMITED'),
    errors: ['ELDER_NOT_FOUND', 'BINDING_EXISTS', 'OTP_RATE_LIMITED', 'ADDRESS_RATE_LIMITED'],
    async handler(c, { body, principal }) {
      const deps = c.get('deps');
      const family_id = principal.family_id;
      // The elder is shown the asker's masked phone, so they know who is asking.
      const acct = await deps.accounts.byId(family_id);
      const r = await requestBinding(deps, {
        family_id,
        family_phone_masked: acct?.phone_masked ?? '家属',
        card_number: body.card_number,
        relation: body.relation,
        client: clientKey(c, deps.blindIndex),
      });
      return c.json({ binding: view(r.binding), code_sent: r.code_sent }, 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/family/bindings/:elder_id/confirm',
    access: { roles: ['family'] },
    tags: ['family'],
    summary: 'Confirm a pending binding with the code the elder received',
    description: describeRule('binding_code', 'OTP_LOCKED'),
    params: ElderIdP,
    body: z.object({ code: SixDigits }),
    response: BindingView,
    elderAccessExempt:
      "the family member's own binding, keyed by (family_id, elder_id): any other elder is BINDING_NOT_FOUND",
    errors: ['BINDING_NOT_FOUND', 'BINDING_NOT_PENDING', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'CONFLICT'],
    async handler(c, { params, body, principal }) {
      return c.json(view(await confirmBindingWithCode(c.get('deps'), principal.family_id, params.elder_id, body.code)));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/family/bindings/:elder_id',
    access: { roles: ['family'] },
    tags: ['family'],
    summary: 'Unbind from an elder (or withdraw a pending request)',
    params: ElderIdP,
    response: BindingView,
    errors: ['BINDING_NOT_FOUND', 'CONFLICT'],
    elderAccessExempt:
      "the family member's own binding, keyed by (family_id, elder_id): any other elder is BINDING_NOT_FOUND",
    async handler(c, { params, principal }) {
      const family_id = principal.family_id;
      return c.json(view(await removeBinding(c.get('deps'), family_id, params.elder_id, `family:${family_id}`)));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/family/bindings',
    access: { roles: ['family'] },
    tags: ['family'],
    summary: 'My bindings (pending and active)',
    response: z.object({ items: z.array(BindingView) }),
    async handler(c, { principal }) {
      const items = await c.get('deps').bindings.ofFamily(principal.family_id);
      return c.json({ items: items.filter((b) => b.status !== 'removed').map(view) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/elders/:elder_id/bindings',
    access: { roles: ['elder', 'admin', 'district', 'street'] },
    tags: ['family'],
    summary: 'Family members bound to (or asking to bind to) an elder',
    params: ElderIdP,
    response: z.object({ items: z.array(BindingView) }),
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE'],
    async handler(c, { elder }) {
      const items = await c.get('deps').bindings.ofElder(pathElder(elder).elder_id);
      return c.json({ items: items.filter((b) => b.status !== 'removed').map(view) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/elders/:elder_id/bindings/:family_id/confirm',
    access: { roles: ['elder', 'admin', 'district', 'street'] },
    tags: ['family'],
    summary: 'The elder, or staff for an elder without a phone, confirms a pending binding',
    params: BothP,
    response: BindingView,
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'BINDING_NOT_FOUND', 'BINDING_NOT_PENDING', 'CONFLICT'],
    async handler(c, { params, principal, elder }) {
      const e = pathElder(elder);
      return c.json(view(await confirmBindingDirect(c.get('deps'), params.family_id, e.elder_id, principal.sub)));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/elders/:elder_id/bindings/:family_id',
    access: { roles: ['elder', 'admin', 'district', 'street'] },
    tags: ['family'],
    summary: "The elder, or staff on the elder's behalf, removes a family binding",
    params: BothP,
    response: BindingView,
    errors: ['ELDER_NOT_FOUND', 'OUT_OF_SCOPE', 'BINDING_NOT_FOUND', 'CONFLICT'],
    async handler(c, { params, principal, elder }) {
      const e = pathElder(elder);
      return c.json(view(await removeBinding(c.get('deps'), params.family_id, e.elder_id, principal.sub)));
    },
  }),
];
