// Family binding (家属绑定): a family member asks to bind to an elder by card number; the elder
// consents with a one-time code sent to the elder's phone (read out to the family member or
// entered on the elder's own page), or staff confirm for an elder without a phone. Either side
// can unbind. Every step is audited.
import { AppError } from '../../kernel/errors';
import { isValidCardNumber } from '../points-card';
import { sendOtp, verifyOtp, type ClientKey } from '../../auth/service';
import type { OtpStore } from '../../auth/ports';
import type { AttemptLimiter } from '../../auth/attempts';
import type { AuditLog } from '../../kernel/audit';
import type { Clock } from '../../kernel/clock';
import type { ElderStore } from '../ports';
import type { Notifier } from '../../notices/ports';
import type { ElderRecord } from '../model';
import type { BlindIndex, FieldCipher } from '../../kernel/secrets';
import { maskName } from '../id-card';
import { sendOnce } from '../../notices/send-once';
import type { NoticeMarks } from '../../notices/ports';
import { aad } from '../../kernel/aad';

export const BINDINGS_ACTIVE_MAX = 5; // family members bound to one elder at once

export type Binding = {
  family_id: string;
  elder_id: string;
  status: 'pending' | 'active' | 'removed';
  family_phone_masked: string;
  relation: string;
  requested_at: string;
  decided_at: string | null;
  decided_by: string | null;
  version: number;
};

export type BindingPort = {
  get: (family_id: string, elder_id: string) => Promise<Binding | null>;
  put: (next: Binding, expectVersion: number) => Promise<void>;
  ofElder: (elder_id: string) => Promise<Binding[]>;
};

export type FamilyDeps = {
  elders: ElderStore;
  bindings: BindingPort;
  otp: OtpStore;
  notifier: Notifier;
  limiter: AttemptLimiter;
  clock: Clock;
  audit: AuditLog;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  noticeMarks: NoticeMarks;
  accounts: { byId: (account_id: string) => Promise<{ phone_cipher: string } | null> };
};

const purpose = (family_id: string) => `bind:${family_id}`;

const elderPhone = (deps: FamilyDeps, e: ElderRecord) =>
  e.phone_cipher ? deps.cipher.decrypt(e.phone_cipher, aad.elderField(e.elder_id, 'phone')) : null;

export const requestBinding = async (
  deps: FamilyDeps,
  args: { family_id: string; family_phone_masked: string; card_number: string; relation: string; client?: ClientKey },
): Promise<{ binding: Binding; code_sent: boolean }> => {
  if (!isValidCardNumber(args.card_number))
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'card_number', code: 'CARD_INVALID', message: 'invalid card number' }],
    });
  const elder_id = await deps.elders.findIdByCard(args.card_number);
  const elder = elder_id ? await deps.elders.get(elder_id) : null;
  if (!elder || elder.status !== 'active') throw new AppError('ELDER_NOT_FOUND');
  const existing = await deps.bindings.get(args.family_id, elder.elder_id);
  if (existing && existing.status !== 'removed') throw new AppError('BINDING_EXISTS');
  const active = (await deps.bindings.ofElder(elder.elder_id)).filter((b) => b.status === 'active').length;
  if (active >= BINDINGS_ACTIVE_MAX)
    throw new AppError('BINDING_EXISTS', { details: { reason: 'too_many_family_members', max: BINDINGS_ACTIVE_MAX } });
  const binding: Binding = {
    family_id: args.family_id,
    elder_id: elder.elder_id,
    status: 'pending',
    family_phone_masked: args.family_phone_masked,
    relation: args.relation,
    requested_at: deps.clock.now().toISOString(),
    decided_at: null,
    decided_by: null,
    version: (existing?.version ?? 0) + 1,
  };
  await deps.bindings.put(binding, existing?.version ?? 0);
  await deps.audit.write({
    actor: `family:${args.family_id}`,
    action: 'binding.request',
    subject: `elder:${elder.elder_id}`,
    detail: { family_id: args.family_id },
  });
  const phone = elderPhone(deps, elder);
  if (phone) {
    await sendOtp(deps, {
      purpose: purpose(args.family_id),
      phone,
      phone_hash: deps.blindIndex('phone', phone),
      deliver: true,
      client: args.client ?? null,
      notice: (code) => ({
        to_phone: phone,
        template: 'binding_request',
        params: { code, family_phone_masked: args.family_phone_masked, relation: args.relation },
        text_zh: `【十分钟服务圈】${args.family_phone_masked}（${args.relation}）申请绑定为您的家属，可帮您预约服务。同意请把验证码 ${code} 告诉对方，不同意请忽略。`,
      }),
    });
  }
  return { binding, code_sent: phone !== null };
};

const decide = async (
  deps: FamilyDeps,
  b: Binding,
  to: 'active' | 'removed',
  actor: string,
  action: string,
): Promise<Binding> => {
  const next: Binding = {
    ...b,
    status: to,
    decided_at: deps.clock.now().toISOString(),
    decided_by: actor,
    version: b.version + 1,
  };
  await deps.bindings.put(next, b.version).catch(async (e: unknown) => {
    // A parallel request decided first: the loser answers with the state the winner left.
    if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
    const now = await deps.bindings.get(b.family_id, b.elder_id);
    if (now && now.version !== b.version)
      throw new AppError(to === 'active' ? 'BINDING_NOT_PENDING' : 'BINDING_NOT_FOUND', {
        cause: e,
        details: { status: now.status },
      });
    throw e;
  });
  await deps.audit.write({ actor, action, subject: `elder:${b.elder_id}`, detail: { family_id: b.family_id } });
  await tellDecision(deps, next);
  return next;
};

/** Both sides hear of a confirmed or ended binding: the elder (who may not have acted: staff can
 * confirm for them, the family member can unbind) and the family member. Only the writer of this
 * version gets here (the put is conditional on the version), and the notice id names that version,
 * so each change is told once to each of them. */
const tellDecision = async (deps: FamilyDeps, b: Binding) => {
  const elder = await deps.elders.get(b.elder_id);
  if (!elder) return;
  const subject = `binding:${b.family_id}:${b.elder_id}`;
  const change = `v${b.version}`;
  const confirmed = b.status === 'active';
  const ePhone = elderPhone(deps, elder);
  if (ePhone) {
    await sendOnce(
      deps,
      { subject, change, to: 'elder' },
      confirmed
        ? {
            to_phone: ePhone,
            template: 'binding_confirmed',
            params: { family_phone_masked: b.family_phone_masked, relation: b.relation },
            text_zh: `【十分钟服务圈】${b.family_phone_masked}（${b.relation}）已绑定为您的家属，可帮您预约服务、充值。`,
          }
        : {
            to_phone: ePhone,
            template: 'binding_removed',
            params: { family_phone_masked: b.family_phone_masked },
            text_zh: `【十分钟服务圈】${b.family_phone_masked} 已不再是您绑定的家属。`,
          },
    );
  }
  const acct = await deps.accounts.byId(b.family_id);
  // the AAD matches where the sign-in route sealed it (routes/auth.ts)
  const fPhone = acct ? deps.cipher.decrypt(acct.phone_cipher, aad.accountPhone(b.family_id)) : null;
  if (fPhone) {
    const elder_name_masked = maskName(elder.name);
    await sendOnce(
      deps,
      { subject, change, to: 'family' },
      confirmed
        ? {
            to_phone: fPhone,
            template: 'binding_confirmed_family',
            params: { elder_name_masked },
            text_zh: `【十分钟服务圈】您已绑定为${elder_name_masked}的家属，可以帮老人预约服务、充值。`,
          }
        : {
            to_phone: fPhone,
            template: 'binding_removed_family',
            params: { elder_name_masked },
            text_zh: `【十分钟服务圈】您与${elder_name_masked}的家属绑定已解除。`,
          },
    );
  }
};

const pendingOrThrow = async (deps: FamilyDeps, family_id: string, elder_id: string): Promise<Binding> => {
  const b = await deps.bindings.get(family_id, elder_id);
  if (!b) throw new AppError('BINDING_NOT_FOUND');
  if (b.status !== 'pending') throw new AppError('BINDING_NOT_PENDING', { details: { status: b.status } });
  return b;
};

/** The family member types the code the elder read out to them. Each try is counted by the
 * attempt limiter (binding_code) before the code is compared, so parallel guesses cannot bind. */
export const confirmBindingWithCode = async (
  deps: FamilyDeps,
  family_id: string,
  elder_id: string,
  code: string,
): Promise<Binding> => {
  const b = await pendingOrThrow(deps, family_id, elder_id);
  const elder = await deps.elders.get(elder_id);
  const phone = elder ? elderPhone(deps, elder) : null;
  if (!phone) throw new AppError('OTP_EXPIRED');
  await verifyOtp(deps, {
    purpose: purpose(family_id),
    phone_hash: deps.blindIndex('phone', phone),
    code,
    rule: 'binding_code',
  });
  return decide(deps, b, 'active', `family:${family_id}`, 'binding.confirm_by_code');
};

/** The elder (signed in) or staff (for an elder without a phone) confirm directly. */
export const confirmBindingDirect = (
  deps: FamilyDeps,
  family_id: string,
  elder_id: string,
  actor: string,
): Promise<Binding> =>
  pendingOrThrow(deps, family_id, elder_id).then((b) =>
    decide(
      deps,
      b,
      'active',
      actor,
      actor.startsWith('staff:') ? 'binding.confirm_by_staff' : 'binding.confirm_by_elder',
    ),
  );

export const removeBinding = async (
  deps: FamilyDeps,
  family_id: string,
  elder_id: string,
  actor: string,
): Promise<Binding> => {
  const b = await deps.bindings.get(family_id, elder_id);
  if (!b || b.status === 'removed') throw new AppError('BINDING_NOT_FOUND');
  return decide(deps, b, 'removed', actor, 'binding.remove');
};
