// The one table of business outcomes: a stable machine code, its HTTP status, and a message a
// person can act on in Chinese and English. Routes throw AppError; one mapper renders it.
import './zod-locale'; // field messages for validation failures (see the module)

export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    zh: '请求内容有误，请检查标出的字段',
    en: 'The request is invalid; check the listed fields',
  },
  MALFORMED_JSON: { status: 400, zh: '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please sign in first' },
  SESSION_EXPIRED: { status: 401, zh: '登录已过期，请重新登录', en: 'Your session has expired; sign in again' },
  FORBIDDEN: { status: 403, zh: '您没有权限进行此操作', en: 'You are not allowed to do this' },
  OUT_OF_SCOPE: { status: 403, zh: '该数据不在您的管辖范围内', en: 'This record is outside your area' },
  NOT_FOUND: { status: 404, zh: '找不到该地址', en: 'No such route' },
  ELDER_NOT_FOUND: { status: 404, zh: '找不到该老人', en: 'No such elder' },
  AREA_NOT_FOUND: { status: 404, zh: '找不到该区域', en: 'No such area' },
  IMPORT_NOT_FOUND: { status: 404, zh: '找不到该导入批次', en: 'No such import' },
  BINDING_NOT_FOUND: { status: 404, zh: '找不到该绑定申请', en: 'No such family binding' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed on this route' },
  ELDER_EXISTS: { status: 409, zh: '该身份证号已登记', en: 'An elder with this ID number is already registered' },
  AREA_EXISTS: { status: 409, zh: '该区域编码已存在', en: 'An area with this code already exists' },
  CONFLICT: { status: 409, zh: '数据已被他人修改，请刷新后重试', en: 'The record changed meanwhile; reload and retry' },
  ELDER_INACTIVE: { status: 409, zh: '该老人已退出服务', en: 'This elder has left the scheme' },
  BINDING_EXISTS: { status: 409, zh: '已存在绑定或待确认的申请', en: 'A binding or pending request already exists' },
  BINDING_NOT_PENDING: { status: 409, zh: '该绑定申请已处理', en: 'This binding request is no longer pending' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    zh: '同一请求编号被用于不同的内容',
    en: 'This Idempotency-Key was used with a different request',
  },
  INSUFFICIENT_POINTS: { status: 422, zh: '积分不足', en: 'Not enough points' },
  CATEGORY_NOT_ALLOWED: {
    status: 422,
    zh: '补贴积分不能用于该类服务，且可用的充值积分不足',
    en: 'Subsidy points cannot buy this category and paid points are not enough',
  },
  CAP_EXCEEDED: { status: 422, zh: '超过本月或单笔使用上限', en: 'Over the per-order or monthly limit' },
  WALLET_FROZEN: {
    status: 423,
    zh: '积分账户已冻结，请联系社区',
    en: 'The points wallet is frozen; contact your community',
  },
  CAPTURE_EXCEEDS_HOLD: { status: 422, zh: '扣除积分超过冻结积分', en: 'Capture exceeds the amount held' },
  ENTRY_NOT_REVERSIBLE: { status: 422, zh: '该笔记录不能冲正', en: 'This entry cannot be reversed' },
  HOLD_NOT_FOUND: { status: 404, zh: '找不到该冻结记录', en: 'No such hold' },
  ENTRY_NOT_FOUND: { status: 404, zh: '找不到该记账记录', en: 'No such ledger entry' },
  HOLD_ALREADY_FINAL: { status: 409, zh: '该冻结已处理完毕', en: 'This hold is already captured, released or expired' },
  ALREADY_REVERSED: { status: 409, zh: '该笔记录已冲正过', en: 'This entry has already been reversed' },
  POLICY_MISSING: {
    status: 409,
    zh: '尚未设置积分政策，请先由管理员设置',
    en: 'No points policy is in force yet; an admin must set one',
  },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    zh: '缺少请求编号（Idempotency-Key）',
    en: 'The Idempotency-Key header is required for this request',
  },
  ISSUANCE_RUNNING: { status: 409, zh: '本月积分发放正在进行中', en: "This month's issuance is already running" },
  TOPUP_NOT_FOUND: { status: 404, zh: '找不到该充值记录', en: 'No such top-up' },
  TOPUP_AMOUNT_INVALID: {
    status: 422,
    zh: '充值金额须为每积分单价的整数倍，且不少于 1 积分',
    en: 'The amount must be a whole number of points (a multiple of the price per point)',
  },
  TOPUP_DAILY_LIMIT: { status: 422, zh: '已超过该老人今日充值上限', en: "Over this elder's daily top-up limit" },
  TOPUP_NOT_PAID: {
    status: 409,
    zh: '该充值尚未支付成功，不能退款',
    en: 'This top-up has not been paid, so it cannot be refunded',
  },
  TOPUP_NOTHING_TO_REFUND: {
    status: 409,
    zh: '该充值的积分已用完或已退款，没有可退的积分',
    en: 'Nothing left to refund: the points were spent or already refunded',
  },
  PAYMENT_METHOD_UNAVAILABLE: { status: 422, zh: '暂不支持该支付方式', en: 'This payment method is not available' },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 400,
    zh: '支付通知签名无效',
    en: 'The payment notification signature is invalid',
  },
  WEBHOOK_STALE: { status: 400, zh: '支付通知已过期', en: 'The payment notification is too old' },
  PAYMENT_PROVIDER_FAILED: {
    status: 502,
    zh: '支付服务暂时出错，请稍后用同一请求重试',
    en: 'The payment provider failed; retry later with the same Idempotency-Key',
  },
  PAYMENTS_UNAVAILABLE: { status: 503, zh: '在线充值暂未开通', en: 'Online top-up is not configured' },
  MERCHANT_NOT_FOUND: { status: 404, zh: '找不到该商户', en: 'No such merchant' },
  SERVICE_NOT_FOUND: { status: 404, zh: '找不到该服务项目', en: 'No such service' },
  MERCHANT_EXISTS: { status: 409, zh: '已提交过入驻申请', en: 'An application already exists for this merchant' },
  MERCHANT_STATE: {
    status: 409,
    zh: '商户当前状态不能进行此操作',
    en: "The merchant's current status does not allow this",
  },
  ORDER_NOT_FOUND: { status: 404, zh: '找不到该订单', en: 'No such order' },
  ORDER_STATE: { status: 409, zh: '订单当前状态不能进行此操作', en: 'The order is not in a state that allows this' },
  NOT_HOME_VISIT: {
    status: 404,
    zh: '该订单不是上门服务，没有上门地址',
    en: 'This order is not a home visit; there is no visit address',
  },
  SLOT_FULL: { status: 409, zh: '该时段已约满，请换一个时段', en: 'This time slot is full; choose another' },
  SLOT_INVALID: { status: 422, zh: '该时间不在营业时段内', en: 'That time is not a bookable slot' },
  SERVICE_UNAVAILABLE: { status: 422, zh: '该服务暂不可预约', en: 'This service cannot be booked now' },
  CODE_INVALID: { status: 422, zh: '核销码或卡号密码不正确', en: 'Wrong verification code or card PIN' },
  CODE_LOCKED: {
    status: 423,
    zh: '错误次数过多，已锁定，请联系社区',
    en: 'Too many wrong tries; locked. Contact the community',
  },
  DISPUTE_WINDOW_CLOSED: { status: 422, zh: '已超过7天投诉期限', en: 'The 7-day dispute window has closed' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '提交的内容太大', en: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  IMPORT_INVALID: {
    status: 422,
    zh: '导入文件有错误，未写入任何数据，请下载错误报告',
    en: 'The file has errors; nothing was written. Download the error report',
  },
  CSV_ENCODING_UNSUPPORTED: {
    status: 422,
    zh: '无法识别文件编码，请另存为 UTF-8 或 GBK 的 CSV',
    en: 'Unrecognised file encoding; save as CSV in UTF-8 or GBK',
  },
  CSV_HEADER_INVALID: { status: 422, zh: '表头缺少必填列', en: 'The header row is missing required columns' },
  CSV_TOO_MANY_ROWS: { status: 422, zh: '文件行数超过上限', en: 'The file has too many rows' },
  ID_NUMBER_INVALID: { status: 400, zh: '身份证号码无效', en: 'Invalid ID-card number' },
  OTP_INVALID: { status: 400, zh: '验证码错误', en: 'Wrong verification code' },
  OTP_EXPIRED: { status: 400, zh: '验证码已过期，请重新获取', en: 'The code has expired; request a new one' },
  OTP_LOCKED: { status: 429, zh: '验证码错误次数过多，请重新获取', en: 'Too many wrong codes; request a new one' },
  OTP_RATE_LIMITED: {
    status: 429,
    zh: '验证码发送过于频繁，请一小时后再试',
    en: 'Too many codes sent; try again in an hour',
  },
  PHONE_NOT_REGISTERED: {
    status: 403,
    zh: '该手机号未登记，请联系社区',
    en: 'This phone number is not registered; contact your community',
  },
  LOGIN_FAILED: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: {
    status: 423,
    zh: '账号已临时锁定，请15分钟后再试',
    en: 'Account temporarily locked; try again in 15 minutes',
  },
  WECHAT_NOT_CONFIGURED: { status: 404, zh: '暂未开通微信通知', en: 'WeChat notices are not configured' },
  WECHAT_STATE_INVALID: {
    status: 400,
    zh: '微信绑定链接已失效，请重新发起绑定',
    en: 'The WeChat link request is invalid or expired; start again',
  },
  WECHAT_CODE_INVALID: {
    status: 400,
    zh: '微信授权已失效，请重新发起绑定',
    en: 'The WeChat authorisation code is invalid or used; start again',
  },
  WECHAT_UNAVAILABLE: {
    status: 502,
    zh: '微信服务暂时出错，请稍后再试',
    en: 'WeChat is not answering; try again later',
  },
  STORE_UNAVAILABLE: {
    status: 503,
    zh: '服务暂时不可用，请稍后再试',
    en: 'Service temporarily unavailable; try again later',
  },
  INTERNAL: {
    status: 500,
    zh: '系统出错了，请稍后再试并提供请求编号',
    en: 'Something went wrong; try again later and quote the request id',
  },
  // attempt limits (issue 8, section 1: core/auth/attempts.ts)
  ADDRESS_RATE_LIMITED: {
    status: 429,
    zh: '来自您网络的请求过于频繁，请稍后再试',
    en: 'Too many attempts from your network; try again later',
  },
  // ledger / elder leave (issue 8)
  ELDER_HAS_OPEN_ORDERS: {
    status: 409,
    zh: '该老人还有进行中的订单或纠纷，请先处理完再办理退出',
    en: 'This elder has open orders or disputes; settle them before leaving the scheme',
  },
  // settlement (issue 10: core/settlement/)
  PERIOD_NOT_CLOSED: { status: 409, zh: '该结算周期尚未结束', en: 'This settlement period has not ended yet' },
  SETTLEMENT_RUNNING: {
    status: 409,
    zh: '该周期的结算正在进行中',
    en: 'A settlement run for this period is in progress',
  },
  STATEMENT_NOT_FOUND: { status: 404, zh: '找不到该结算单', en: 'Statement not found' },
  STATEMENT_STATE_CONFLICT: {
    status: 409,
    zh: '结算单当前状态不允许此操作',
    en: 'The statement is not in a state that allows this',
  },
  PAYEE_MISSING: {
    status: 409,
    zh: '商户尚未登记收款账户，无法付款',
    en: 'The merchant has no payout account on record',
  },
  PAYOUT_ACCOUNT_NOT_READY: {
    status: 409,
    zh: '商户的 Stripe 收款账户尚未开通',
    en: "The merchant's Stripe account cannot receive transfers yet",
  },
  PAYOUT_METHOD_MISMATCH: {
    status: 409,
    zh: '该结算单的付款方式不是此操作所需的方式',
    en: 'The statement is paid by another method',
  },
  BATCH_NOT_FOUND: { status: 404, zh: '找不到该付款批次', en: 'Payout batch not found' },
  STATEMENT_NOT_IN_BATCH: {
    status: 409,
    zh: '该结算单不在此付款批次中（可能已转入新的批次）',
    en: 'The statement is not in this payout batch (it may have moved to a newer one)',
  },
  // anomaly flags (issue 11)
  FLAG_NOT_FOUND: { status: 404, zh: '找不到该异常提示', en: 'Flag not found' },
  FLAG_STATE_CONFLICT: {
    status: 409,
    zh: '该异常提示已被他人处理，请刷新后查看',
    en: 'The flag has already been decided; reload to see its state',
  },
  // staff accounts (issue 12)
  STAFF_NOT_FOUND: { status: 404, zh: '找不到该工作人员账号', en: 'Staff account not found' },
  STAFF_EXISTS: { status: 409, zh: '该用户名已被使用', en: 'That username is taken' },
  STAFF_SCOPE_INVALID: {
    status: 400,
    zh: '管辖区域不符：区级干部须选一个区，街道干部须选一个街道，市级管理员和财务不选',
    en: 'Area does not fit the role: a district for district officers, a street for street officers, none otherwise',
  },
  STAFF_SELF_LOCKOUT: {
    status: 403,
    zh: '不能停用自己的账号，也不能取消自己的管理员角色',
    en: 'You cannot disable your own account or take away your own admin role',
  },
  ACCOUNT_DISABLED: {
    status: 403,
    zh: '该账号已停用，请联系管理员',
    en: 'This account is disabled; ask an administrator',
  },
  PASSWORD_WEAK: {
    status: 400,
    zh: '新密码至少10位，不能与用户名或原密码相同',
    en: 'The new password needs at least 10 characters and must differ from the username and the old one',
  },
  // service categories (issue 12: the staff workbench retires a category)
  CATEGORY_NOT_FOUND: { status: 404, zh: '没有这个服务类别', en: 'No such category' },
  CATEGORY_RETIRED: { status: 409, zh: '该服务类别已停用', en: 'The category is already retired' },
  // points policy (issue 12: the staff workbench shows and saves policy versions)
  POLICY_NOT_FOUND: { status: 404, zh: '找不到该版本的积分政策', en: 'No such policy version' },
  POLICY_EFFECTIVE_PAST: {
    status: 422,
    zh: '生效日期不能早于本月1日',
    en: 'The effective date cannot be before the first of this month',
  },
  // monthly issuance from the staff workbench (issue 12): a plain start of a finished month pays nobody
  ISSUANCE_COMPLETED: {
    status: 409,
    zh: '本月积分已发放完毕；为新登记的老人补发请选择“补发”',
    en: "This month's issuance is complete; choose resume to pay newcomers",
  },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

export type FieldIssue = { path: string; code: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    opts: { fields?: FieldIssue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(ERRORS[code].en, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = opts.fields;
    this.details = opts.details;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
