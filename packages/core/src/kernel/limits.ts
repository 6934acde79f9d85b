// Limits shared by more than one package, each named once with its reason, so that two layers
// cannot disagree (a file the domain accepts must not be refused at HTTP, or the reverse).

/** Largest CSV upload (the elder roster, activity awards). 10 MiB holds ~50 000 roster rows of
 * ~200 bytes (a large street) and refuses a file that could only be a mistake (a database dump, an
 * XLSX renamed to .csv). The HTTP body limit for CSV uploads and the decoder use this one number. */
export const CSV_MAX_BYTES = 10 * 1024 * 1024;
