// zod/mini ships no messages ("Invalid input" for everything); field messages in API errors and
// CSV error reports read better with the English locale, which is one small module (~3 KB)
// rather than classic zod's whole method API. Imported for its effect by errors.ts, which every
// schema user loads.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
