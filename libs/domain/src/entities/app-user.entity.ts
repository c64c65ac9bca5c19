import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Roles of DOMAIN.md §1 that a person signs in with (SYSTEM is the engine itself, never a user). */
export const USER_ROLES = ['CENTRAL_AUTHORITY', 'CONTACT_POINT', 'SECRETARIAT', 'ADMINISTRATOR'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface AppUserFields {
  login: string;
  issuer: string;
  subject: string;
  name: string;
  email: string;
  role: UserRole;
  /** State acted for: required for CENTRAL_AUTHORITY and CONTACT_POINT, null otherwise. */
  state: string | null;
  /** Network: required for CONTACT_POINT and SECRETARIAT, null otherwise. */
  network: string | null;
  contactPointId?: string | null;
}

/**
 * A person who signs in: the (issuer, subject) of their OpenID Connect token is mapped to one row, which
 * gives their role and scope (DOMAIN.md §1). Tokens carry identity only; what a person may see and do
 * comes from here and the access policy.
 */
@Entity({ tableName: 'app_user' })
@Unique({ properties: ['issuer', 'subject'] })
export class AppUser {
  [OptionalProps]?: 'active' | 'createdAt' | 'contactPointId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Short unique name (`officer.gh`, `cp1.gh.wacap`, `secretariat.wacap`, `admin`); the development issuer's `sub`. */
  @Property({ type: 'text', unique: true })
  login: string;

  /** `iss` of the tokens of this person. */
  @Property({ type: 'text' })
  issuer: string;

  /** `sub` of the tokens of this person at that issuer. */
  @Property({ type: 'text' })
  subject: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  email: string;

  @Property({ type: 'text' })
  @Index()
  role: UserRole;

  @Property({ type: 'text', nullable: true })
  state: string | null;

  @Property({ type: 'text', nullable: true })
  network: string | null;

  /** The directory's contact point entry of this person (role CONTACT_POINT). */
  @Property({ type: 'uuid', nullable: true })
  contactPointId: string | null = null;

  /** An inactive user's tokens are refused. */
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(f: AppUserFields) {
    this.login = f.login;
    this.issuer = f.issuer;
    this.subject = f.subject;
    this.name = f.name;
    this.email = f.email;
    this.role = f.role;
    this.state = f.state;
    this.network = f.network;
    this.contactPointId = f.contactPointId ?? null;
  }
}

/** The development issuer's signing key (one row; created at first use). */
@Entity({ tableName: 'dev_issuer_key' })
export class DevIssuerKey {
  @PrimaryKey({ type: 'text' })
  kid: string;

  /** Private JWK (RS256). Development only: a deployment uses its own identity provider. */
  @Property({ type: 'json' })
  privateJwk: Record<string, unknown>;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  constructor(kid: string, privateJwk: Record<string, unknown>) {
    this.kid = kid;
    this.privateJwk = privateJwk;
  }
}
