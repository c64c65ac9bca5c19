import type { AppUser, UserRole } from '../entities/app-user.entity';

/**
 * Who is asking: the signed-in user as the access policy sees them, and where from. Built by the API
 * from a verified token and the `app_user` row; every service method that reads or changes a case takes
 * one (there is no unscoped path from a controller to a case).
 */
export interface Principal {
  userId: string;
  login: string;
  name: string;
  role: UserRole;
  /** State acted for (CENTRAL_AUTHORITY, CONTACT_POINT), else null. */
  state: string | null;
  /** Network (CONTACT_POINT, SECRETARIAT), else null. */
  network: string | null;
  /** The directory's contact point this user is (CONTACT_POINT, `app_user.contact_point_id`), else null. */
  contactPointId: string | null;
  /** Client IP address as Express sees it (TRUST_PROXY_HOPS), for the audit log. */
  ip: string;
  /** User-Agent header, cut to 200 characters, for the audit log. */
  userAgent: string | null;
}

/** The Principal of signed-in user `u`, asking from `ip` with `userAgent` (cut to 200 characters). */
export function principalOfUser(u: AppUser, ip: string, userAgent: string | null): Principal {
  return {
    userId: u.id,
    login: u.login,
    name: u.name,
    role: u.role,
    state: u.state,
    network: u.network,
    contactPointId: u.contactPointId ?? null,
    ip,
    userAgent: userAgent === null ? null : userAgent.slice(0, 200),
  };
}
