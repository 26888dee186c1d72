/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction, and the database's
 * `user_version` records the last one applied. Never edit a migration that has shipped; add one.
 */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'holders, certificates, accounts, credentials, sessions, throttling, audit',
    sql: `
      CREATE TABLE service_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE holders (
        id INTEGER PRIMARY KEY,
        personal_number TEXT NOT NULL UNIQUE CHECK (length(personal_number) = 10),
        given_name TEXT NOT NULL,
        surname TEXT NOT NULL,
        gender TEXT CHECK (gender IN ('F', 'M')),
        birth_date TEXT,
        birth_country TEXT,
        birth_city TEXT,
        email TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'sq',
        created_at TEXT NOT NULL
      );

      CREATE TABLE certificates (
        id INTEGER PRIMARY KEY,
        holder_id INTEGER NOT NULL REFERENCES holders(id),
        kind TEXT NOT NULL CHECK (kind IN ('digital-id', 'digital-seal')),
        serial_number TEXT NOT NULL UNIQUE,
        der BLOB NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        revoked_at TEXT,
        revocation_reason TEXT,
        created_at TEXT NOT NULL
      );
      -- One active digital ID per person; seals are not limited.
      CREATE UNIQUE INDEX one_active_digital_id ON certificates(holder_id)
        WHERE kind = 'digital-id' AND status = 'active';

      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        certificate_id INTEGER NOT NULL UNIQUE REFERENCES certificates(id),
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        password_changed_at TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE credentials (
        certificate_id INTEGER PRIMARY KEY REFERENCES certificates(id),
        sealed_private_key BLOB NOT NULL,
        pin_salt BLOB NOT NULL,
        pin_wrapped_key BLOB NOT NULL,
        puk_salt BLOB NOT NULL,
        puk_wrapped_key BLOB NOT NULL,
        pin_tries_left INTEGER NOT NULL CHECK (pin_tries_left >= 0),
        puk_tries_left INTEGER NOT NULL CHECK (puk_tries_left >= 0),
        sealed_erc BLOB NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        client TEXT NOT NULL CHECK (client IN ('browser', 'desktop')),
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT
      );
      CREATE INDEX sessions_by_account ON sessions(account_id) WHERE ended_at IS NULL;

      CREATE TABLE sign_in_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at TEXT NOT NULL,
        blocked_until TEXT
      );

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        actor TEXT NOT NULL,
        certificate_id INTEGER REFERENCES certificates(id),
        details TEXT NOT NULL,
        previous_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_by_certificate ON audit_log(certificate_id);
    `,
  },
  {
    version: 2,
    name: 'notification outbox',
    sql: `
      -- Messages kept for the demo and for deployments without SMTP or an SMS gateway. Sent
      -- messages are kept too, with sent_at, so an operator can see what went out.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
        recipient TEXT NOT NULL,
        subject TEXT,
        body_text TEXT NOT NULL,
        body_html TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'wallet devices',
    sql: `
      -- The phone (wallet app) whose device key may ask for signatures with a certificate's key.
      -- One active device per certificate; migrating deactivates the old one, keeping its row.
      CREATE TABLE wallet_devices (
        id INTEGER PRIMARY KEY,
        certificate_id INTEGER NOT NULL REFERENCES certificates(id),
        public_key_spki BLOB NOT NULL,
        label TEXT NOT NULL,
        activated_at TEXT NOT NULL,
        deactivated_at TEXT,
        deactivation_reason TEXT
      );
      CREATE UNIQUE INDEX one_active_wallet_device ON wallet_devices(certificate_id) WHERE deactivated_at IS NULL;
    `,
  },
  // Reserved numbers, so that work on several areas at once never reuses one:
  // 4 wallet challenges and activations, 5 revocation, CRL and OCSP state, 6 contracts,
  // 7 account recovery, 8 digital seals.
];
