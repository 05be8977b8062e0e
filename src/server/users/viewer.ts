/** Who is asking: resolved from a session cookie or a Bearer token. */
export interface Viewer {
  id: string;
  email: string;
  role: 'admin' | 'user';
}
