import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppUser, ContactPoint, Network, StateEntity, type UserRole } from '../entities';
import { TokenService } from './token.service';

/** A seeded user of the development issuer, as `npm run cli -- users` lists them. */
export interface DevUserView {
  login: string;
  name: string;
  role: UserRole;
  state: string | null;
  network: string | null;
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

  /** Users of the development issuer, by login. */
  async devUsers(): Promise<DevUserView[]> {
    const users = await this.orm.em.fork().find(AppUser, { issuer: this.tokens.devIssuer }, { orderBy: { role: 'asc', login: 'asc' } });
    return users.map((u) => ({ login: u.login, name: u.name, role: u.role, state: u.state, network: u.network }));
  }
}
