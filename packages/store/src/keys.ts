// Every key string of the table is built here and nowhere else. Each builder is named for the
// access pattern it serves; docs/DATA_MODEL.md lists them with their keys.

export const ROOT_AREA = 'ROOT';

export const keys = {
  // areas: areaByCode (GetItem), areaChildren (gsi1 Query)
  area: (code: string) => ({ pk: `AREA#${code}`, sk: 'AREA' }),
  areaChildrenIndex: (parent: string | null, code: string) => ({ gsi1pk: `AREA_CHILDREN#${parent ?? ROOT_AREA}`, gsi1sk: code }),
  areaChildrenPk: (parent: string | null) => `AREA_CHILDREN#${parent ?? ROOT_AREA}`,

  // elders: elderById (GetItem), eldersInCommunity (gsi1), eldersByName (gsi2, sk = community#id
  // so an officer's scope is a begins_with), elderByIdHash / elderByCard (unique guard items),
  // eldersByPhoneHash (Query; a couple may share one phone)
  elder: (elderId: string) => ({ pk: `ELDER#${elderId}`, sk: 'PROFILE' }),
  elderCommunityIndex: (community: string, elderId: string) => ({ gsi1pk: `COMMUNITY_ELDERS#${community}`, gsi1sk: elderId }),
  elderCommunityPk: (community: string) => `COMMUNITY_ELDERS#${community}`,
  elderNameIndex: (name: string, community: string, elderId: string) => ({ gsi2pk: `ELDER_NAME#${name}`, gsi2sk: `${community}#${elderId}` }),
  elderNamePk: (name: string) => `ELDER_NAME#${name}`,
  elderIdHash: (idHash: string) => ({ pk: `ELDER_IDHASH#${idHash}`, sk: 'ELDER' }),
  elderCard: (card: string) => ({ pk: `CARD#${card}`, sk: 'ELDER' }),
  elderPhone: (phoneHash: string, elderId: string) => ({ pk: `ELDER_PHONE#${phoneHash}`, sk: elderId }),
  elderPhonePk: (phoneHash: string) => `ELDER_PHONE#${phoneHash}`,

  // staff accounts: staffByUsername (GetItem)
  staff: (username: string) => ({ pk: `STAFF#${username}`, sk: 'STAFF' }),

  // phone accounts (family, merchant): accountByPhoneHash (GetItem)
  phoneAccount: (role: string, phoneHash: string) => ({ pk: `ACCOUNT#${role}#${phoneHash}`, sk: 'ACCOUNT' }),
  accountById: (accountId: string) => ({ pk: `ACCOUNT_ID#${accountId}`, sk: 'ACCOUNT' }),

  // one-time codes: otpByPhone (GetItem), otpSendLog (GetItem)
  otp: (purpose: string, phoneHash: string) => ({ pk: `OTP#${phoneHash}`, sk: `CODE#${purpose}` }),
  otpSends: (phoneHash: string) => ({ pk: `OTP#${phoneHash}`, sk: 'SENDS' }),

  // attempt counters of the one attempt limiter (guessable secrets, per-address limits): attemptsBySubject (UpdateItem)
  attempts: (rule: string, subject: string) => ({ pk: `ATTEMPTS#${rule}#${subject}`, sk: 'ATTEMPTS' }),

  // sessions: sessionById (GetItem)
  session: (sid: string) => ({ pk: `SESSION#${sid}`, sk: 'SESSION' }),
  // sessionsOfSub (gsi1 Query): every session of one person, to end them all when an elder leaves
  sessionSubIndex: (sub: string, sid: string) => ({ gsi1pk: `SESSIONS_OF#${sub}`, gsi1sk: sid }),
  sessionsOfSubPk: (sub: string) => `SESSIONS_OF#${sub}`,

  // WeChat openid per phone, for template messages: wechatLinkByPhoneHash (GetItem)
  wechatLink: (phoneHash: string) => ({ pk: `WECHAT_LINK#${phoneHash}`, sk: 'LINK' }),

  // audit: auditByDay (Query), auditBySubject (gsi1 Query)
  audit: (day: string, at: string, id: string) => ({ pk: `AUDIT#${day}`, sk: `${at}#${id}` }),
  auditDayPk: (day: string) => `AUDIT#${day}`,
  auditSubjectIndex: (subject: string, at: string, id: string) => ({ gsi1pk: `AUDIT_SUBJECT#${subject}`, gsi1sk: `${at}#${id}` }),
  auditSubjectPk: (subject: string) => `AUDIT_SUBJECT#${subject}`,

  // family bindings: bindingsOfFamily (Query pk), bindingsOfElder (gsi1 Query)
  binding: (familyId: string, elderId: string) => ({ pk: `FAMILY#${familyId}`, sk: `BIND#${elderId}` }),
  bindingsOfFamilyPk: (familyId: string) => `FAMILY#${familyId}`,
  bindingElderIndex: (elderId: string, familyId: string) => ({ gsi1pk: `ELDER_FAMILY#${elderId}`, gsi1sk: familyId }),
  bindingsOfElderPk: (elderId: string) => `ELDER_FAMILY#${elderId}`,

  // CSV imports: importByFileHash (GetItem), importErrors (Query, sk ordered by row)
  importMeta: (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'META' }),
  importError: (importId: string, row: number, col: string) => ({ pk: `IMPORT#${importId}`, sk: `ERR#${String(row).padStart(7, '0')}#${col}` }),
  importPk: (importId: string) => `IMPORT#${importId}`,

  // ledger: accountBalance (GetItem), accountPostings (Query, newest first / as-of), walletLots
  // (Query, soonest expiry first), lotsExpiringOn (gsi1, sharded by wallet), entryById, holdById,
  // holdsExpiringOn (gsi1), idempotencyRecord, counters
  balance: (account: string) => ({ pk: `ACCT#${account}`, sk: 'BAL' }),
  posting: (account: string, at: string, entryId: string) => ({ pk: `ACCT#${account}`, sk: `P#${at}#${entryId}` }),
  accountPk: (account: string) => `ACCT#${account}`,
  lot: (wallet: string, expiresOn: string, lotId: string) => ({ pk: `ACCT#${wallet}`, sk: `LOT#${expiresOn}#${lotId}` }),
  lotExpiryIndex: (expiresOn: string, shard: number, wallet: string, lotId: string) => ({ gsi1pk: `LOTS_EXPIRING#${expiresOn}#${shard}`, gsi1sk: `${wallet}#${lotId}` }),
  lotExpiryPk: (expiresOn: string, shard: number) => `LOTS_EXPIRING#${expiresOn}#${shard}`,
  entry: (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: 'ENTRY' }),
  entryReversed: (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: 'REVERSED' }),
  hold: (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' }),
  holdExpiryIndex: (day: string, shard: number, expiresAt: string, holdId: string) => ({ gsi1pk: `HOLDS_EXPIRING#${day}#${shard}`, gsi1sk: `${expiresAt}#${holdId}` }),
  holdExpiryPk: (day: string, shard: number) => `HOLDS_EXPIRING#${day}#${shard}`,
  idempotency: (scope: string, key: string) => ({ pk: `IDEM#${scope}#${key}`, sk: 'IDEM' }),
  counter: (name: string) => ({ pk: `COUNTER#${name}`, sk: 'C' }),

  // policy versions: policyVersions (Query, newest first)
  policy: (version: number) => ({ pk: 'POLICY', sk: `V#${String(version).padStart(6, '0')}` }),
  policyPk: () => 'POLICY',
  // issuance runs: issuanceRun (GetItem)
  issuanceRun: (month: string) => ({ pk: `ISSUANCE#${month}`, sk: 'RUN' }),
  // stored issuance previews (computed by a job), one per month and staff scope ('*' = whole city)
  issuancePreview: (month: string, scope: string | null) => ({ pk: `ISSUANCE#${month}`, sk: `PREVIEW#${scope ?? '*'}` }),

  // once-only notice markers: noticeSent (conditional Put)
  noticeSent: (kind: string, subject: string, day: string) => ({ pk: `NOTICE#${kind}#${subject}`, sk: day }),

  // family top-ups: topupById (GetItem), topupsOfElder (gsi1 Query, newest first),
  // topupStartedOnDay (counter item: fen started per elder and China day, for the daily limit),
  // paymentEvent (once-only marker per provider event id: webhook dedupe)
  topup: (topupId: string) => ({ pk: `TOPUP#${topupId}`, sk: 'TOPUP' }),
  topupElderIndex: (elderId: string, createdAt: string, topupId: string) => ({ gsi1pk: `ELDER_TOPUPS#${elderId}`, gsi1sk: `${createdAt}#${topupId}` }),
  topupsOfElderPk: (elderId: string) => `ELDER_TOPUPS#${elderId}`,
  topupDay: (elderId: string, day: string) => ({ pk: `TOPUP_DAY#${elderId}#${day}`, sk: 'C' }),
  paymentEvent: (provider: string, eventId: string) => ({ pk: `PAYEVENT#${provider}#${eventId}`, sk: 'EVENT' }),

  // merchants: merchantById, servicesOfMerchant (Query begins_with SERVICE#), merchantsByStatus
  // (gsi1, staff review queue), categories (Query), servicesInStrip (geo, latitude range), homeVisitsInCell
  merchant: (merchantId: string) => ({ pk: `MERCHANT#${merchantId}`, sk: 'PROFILE' }),
  merchantPk: (merchantId: string) => `MERCHANT#${merchantId}`,
  service: (merchantId: string, serviceId: string) => ({ pk: `MERCHANT#${merchantId}`, sk: `SERVICE#${serviceId}` }),
  // a merchant's rating totals (ADD per rating), read by key for the search page: merchantRating
  merchantRating: (merchantId: string) => ({ pk: `MERCHANT#${merchantId}`, sk: 'RATING' }),
  merchantStatusIndex: (status: string, at: string, merchantId: string) => ({ gsi1pk: `MERCHANTS_BY_STATUS#${status}`, gsi1sk: `${at}#${merchantId}` }),
  merchantStatusPk: (status: string) => `MERCHANTS_BY_STATUS#${status}`,
  category: (code: string) => ({ pk: 'CATEGORIES', sk: code }),
  categoriesPk: () => 'CATEGORIES',
  geoStrip: (category: string, level: number, strip: number, latKey: string, serviceId: string) => ({ pk: `GEO#${category}#L${level}#${strip}`, sk: `${latKey}#${serviceId}` }),
  geoStripPk: (category: string, level: number, strip: number) => `GEO#${category}#L${level}#${strip}`,
  geoHomeVisit: (category: string, cell: string, serviceId: string) => ({ pk: `GEOHV#${category}#${cell}`, sk: serviceId }),
  geoHomeVisitPk: (category: string, cell: string) => `GEOHV#${category}#${cell}`,

  // orders: orderById, ordersOfElder (gsi1, newest first), ordersOfMerchant (gsi2, newest first)
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' }),
  orderElderIndex: (elderId: string, createdAt: string, orderId: string) => ({ gsi1pk: `ELDER_ORDERS#${elderId}`, gsi1sk: `${createdAt}#${orderId}` }),
  ordersOfElderPk: (elderId: string) => `ELDER_ORDERS#${elderId}`,
  orderMerchantIndex: (merchantId: string, createdAt: string, orderId: string) => ({ gsi2pk: `MERCHANT_ORDERS#${merchantId}`, gsi2sk: `${createdAt}#${orderId}` }),
  ordersOfMerchantPk: (merchantId: string) => `MERCHANT_ORDERS#${merchantId}`,

  // open disputes, the staff queue: disputesOpen (Query; begins_with the officer's area prefix on
  // sk = community#disputed_at#order, so a scope is one key range); one item per open dispute
  disputeOpen: (community: string, at: string, orderId: string) => ({ pk: 'DISPUTES_OPEN', sk: `${community}#${at}#${orderId}` }),
  disputesOpenPk: () => 'DISPUTES_OPEN',

  // due timers (Scheduler port outside AWS): timersDue (Query sk <= now, per shard); one item per
  // timer, deleted once its job ran
  timer: (shard: number, at: string, name: string) => ({ pk: `TIMERS_DUE#${shard}`, sk: `${at}#${name}` }),
  timersDuePk: (shard: number) => `TIMERS_DUE#${shard}`,

  // dev outbox (local only): outboxRecent (Query, newest first)
  outbox: (at: string, id: string) => ({ pk: 'DEV_OUTBOX', sk: `${at}#${id}` }),
  outboxPk: () => 'DEV_OUTBOX',
} as const;
