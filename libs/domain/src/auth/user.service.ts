import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppUser, ContactPoint, Network, StateEntity, type UserRole } from '../entities';
import { NotFoundError } from '../errors';
import { TokenService } from './token.service';

/** A seeded user of the development issuer, as `npm run cli -- users` lists them. */
export interface DevUserView {
  login: string;
  name: string;
  role: UserRole;
  state: string | null;
  network: string | null;
}

/** A development user offered on the development issuer's sign-in page, with its State's name. */
export interface DevSignInUser extends DevUserView {
  /** Name of the user's State in the directory (officers and contact points), else null. */
  stateName: string | null;
}

/** The signed-in user as the web view shows them (GET /api/v1/me). */
export interface UserProfile {
  login: string;
  name: string;
  email: string;
  role: UserRole;
  /** ISO 3166-1 alpha-2 code of the State acted for (officers, contact points), else null. */
  state: string | null;
  /** Network code (contact points, secretariats), else null. */
  network: string | null;
  /** The directory's contact point entry of this user (contact points), else null. */
  contactPointId: string | null;
  /** IANA time zone of the user's State in the directory (data/networks.json); 'UTC' without a State. */
  timeZone: string;
  /** Official languages of the user's State in the directory (ISO 639-1, lower case); empty without a State. */
  languages: string[];
}

/**
 * Users of the development issuer for the directory (run after DirectoryService.seed): per State a
 * central authority officer `officer.<state>`; per contact point of the directory `cp<n>.<state>.<network>`;
 * per network its secretariat `secretariat.<network>`; and `admin`. Idempotent. A deployment maps its own
 * identity provider's subjects to users instead.
 */
@Injectable()
export class UserService {
  constructor(
    private readonly orm: MikroORM,
    private readonly tokens: TokenService,
  ) {}

  /** Creates or updates the development users; returns how many there are. */
  async seedDevUsers(): Promise<number> {
    const issuer = this.tokens.devIssuer;
    let n = 0;
    await this.orm.em.fork().transactional(async (em) => {
      const put = async (
        login: string,
        name: string,
        email: string,
        role: UserRole,
        state: string | null,
        network: string | null,
        cp: string | null = null,
      ) => {
        const u =
          (await em.findOne(AppUser, { login })) ?? em.create(AppUser, new AppUser({ login, issuer, subject: login, name, email, role, state, network }));
        Object.assign(u, { issuer, subject: login, name, email, role, state, network, contactPointId: cp });
        n++;
      };
      for (const s of await em.find(StateEntity, {}, { orderBy: { code: 'asc' } }))
        await put(
          `officer.${s.code.toLowerCase()}`,
          `Officer of the central authority of ${s.name}`,
          `officer.${s.code.toLowerCase()}@example.org`,
          'CENTRAL_AUTHORITY',
          s.code,
          null,
        );
      for (const c of await em.find(ContactPoint, {}, { populate: ['network', 'state'], orderBy: { email: 'asc' } })) {
        const login = c.email.replace(/@.*$/, '');
        await put(login, c.name, c.email, 'CONTACT_POINT', c.state.code, c.network.code, c.id);
      }
      for (const net of await em.find(Network, {}, { orderBy: { code: 'asc' } }))
        await put(`secretariat.${net.code.toLowerCase()}`, `${net.code} secretariat`, net.secretariatEmail, 'SECRETARIAT', null, net.code);
      await put('admin', 'Administrator', 'admin@example.org', 'ADMINISTRATOR', null, null);
    });
    return n;
  }

  /**
   * The profile of the user `userId` (an AppUser id, e.g. Principal.userId) with their State's time zone and
   * official languages from the directory. Throws DomainError NOT_FOUND for an unknown id.
   */
  async profile(userId: string): Promise<UserProfile> {
    const em = this.orm.em.fork();
    const user = await em.findOne(AppUser, { id: userId });
    if (!user) throw new NotFoundError('user', userId);
    const state = user.state === null ? null : await em.findOne(StateEntity, { code: user.state }, { fields: ['code', 'timeZone', 'languages'] });
    return {
      login: user.login,
      name: user.name,
      email: user.email,
      role: user.role,
      state: user.state,
      network: user.network,
      contactPointId: user.contactPointId,
      timeZone: state?.timeZone ?? 'UTC',
      languages: (state?.languages ?? []).map((l) => l.toLowerCase()),
    };
  }

  /**
   * The active users of the development issuer, for its sign-in page, ordered by role, State and login,
   * each with its State's name.
   */
  async devSignInUsers(): Promise<DevSignInUser[]> {
    const em = this.orm.em.fork();
    const users = await em.find(AppUser, { issuer: this.tokens.devIssuer, active: true }, { orderBy: { role: 'asc', state: 'asc', login: 'asc' } });
    const names = new Map((await em.find(StateEntity, {}, { fields: ['code', 'name'] })).map((s) => [s.code, s.name]));
    return users.map((u) => ({
      login: u.login,
      name: u.name,
      role: u.role,
      state: u.state,
      network: u.network,
      stateName: u.state === null ? null : (names.get(u.state) ?? null),
    }));
  }

  /** Users of the development issuer, by login. */
  async devUsers(): Promise<DevUserView[]> {
    const users = await this.orm.em.fork().find(AppUser, { issuer: this.tokens.devIssuer }, { orderBy: { role: 'asc', login: 'asc' } });
    return users.map((u) => ({ login: u.login, name: u.name, role: u.role, state: u.state, network: u.network }));
  }
}
