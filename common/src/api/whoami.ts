// `GET /api/v1/whoami`: who the request's token is, so a client (the dashboard) can offer only what the role may do.

/** Answer of `GET /api/v1/whoami` (permission `read`). */
export interface WhoamiResponse {
  /** The token's name (the commit author), or `anonymous` without a token when anonymous reading is on. */
  name: string;
  /** `viewer`, `ci`, `operator` or `admin`. */
  role: string;
  anonymous: boolean;
  /** The role's permissions, e.g. `read`, `locks:write`, `rollbacks:write`. */
  permissions: string[];
}
