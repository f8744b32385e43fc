/** Headers a caller may add to a pushed message (values are turned into strings). */
export type TemplateHeaders = Record<string, string | number | boolean>;
