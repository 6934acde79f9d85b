// Numbers an elder can call with one tap. Family members' phones are stored encrypted and are not
// decrypted to render a page, so for now the call list is the civil-affairs hotline only.

/** 12349: the national civil-affairs elderly-care service hotline (民政养老服务热线). */
export const HOTLINE = { number: '12349', zh: '民政养老服务热线', en: 'Elderly-care hotline' } as const;
