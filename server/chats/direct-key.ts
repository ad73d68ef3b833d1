// convs.direct_key: one direct chat per pair of users, whoever opens it.
export const directKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`)
