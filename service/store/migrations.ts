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
  {
    version: 4,
    name: 'wallet challenges and activations',
    sql: `
      -- Single-use nonces that a wallet signs with its device key to authorise one signature
      -- request. A challenge is bound to the certificate and to the device active when it was issued.
      CREATE TABLE wallet_challenges (
        id TEXT PRIMARY KEY,
        certificate_id INTEGER NOT NULL REFERENCES certificates(id),
        device_id INTEGER NOT NULL REFERENCES wallet_devices(id),
        nonce BLOB NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX wallet_challenges_open ON wallet_challenges(certificate_id) WHERE used_at IS NULL;

      -- Connecting or migrating a wallet: a code sent by SMS to the enrollment phone number,
      -- stored as HMAC-SHA256. At most one pending activation per certificate; a new one
      -- replaces the old.
      CREATE TABLE wallet_activations (
        id TEXT PRIMARY KEY,
        certificate_id INTEGER NOT NULL REFERENCES certificates(id),
        code_hash BLOB NOT NULL,
        tries_left INTEGER NOT NULL CHECK (tries_left >= 0),
        status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'replaced', 'failed')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        completed_at TEXT,
        device_id INTEGER REFERENCES wallet_devices(id)
      );
      CREATE UNIQUE INDEX one_pending_wallet_activation ON wallet_activations(certificate_id) WHERE status = 'pending';
    `,
  },
  {
    version: 5,
    name: 'revocation, CRL and OCSP state',
    sql: `
      -- The entries of the next CRL, one per revoked certificate, written in the revocation's
      -- transaction. reason_code is the RFC 5280 CRLReason.
      CREATE TABLE crl_entries (
        certificate_id INTEGER PRIMARY KEY REFERENCES certificates(id),
        serial_number TEXT NOT NULL UNIQUE,
        revoked_at TEXT NOT NULL,
        reason_code INTEGER NOT NULL CHECK (reason_code BETWEEN 0 AND 10)
      );

      -- The published CRL. revision counts changes to crl_entries; a CRL is stale while
      -- published_revision is behind it, and the service's timer then publishes a new one.
      CREATE TABLE crl_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        revision INTEGER NOT NULL,
        published_revision INTEGER NOT NULL,
        crl_number INTEGER NOT NULL,
        published_crl_number INTEGER,
        this_update TEXT,
        next_update TEXT,
        der BLOB
      );
      INSERT INTO crl_state (id, revision, published_revision, crl_number) VALUES (1, 0, -1, 0);

      -- Bumped by every revocation, so each OCSP responder drops the statuses it cached, even
      -- when another process (the CLI) wrote the revocation.
      CREATE TABLE ocsp_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        changed_at TEXT
      );
      INSERT INTO ocsp_state (id, generation) VALUES (1, 0);
    `,
  },
  {
    version: 6,
    name: 'contracts',
    sql: `
      -- The contract signed with each certificate at enrollment. pdf keeps the signed file byte for
      -- byte, because saving it again would break the signature; sha256 is the hex digest of pdf.
      CREATE TABLE contracts (
        id INTEGER PRIMARY KEY,
        certificate_id INTEGER NOT NULL UNIQUE REFERENCES certificates(id),
        language TEXT NOT NULL CHECK (language IN ('sq', 'sr-Latn', 'en')),
        pdf BLOB NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        created_at TEXT NOT NULL,
        signed_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'account recovery requests',
    sql: `
      -- One row per recovery request, also when no holder matched (holder_id NULL), so that a
      -- request costs the same work either way. Codes and grants are stored as HMAC-SHA256.
      CREATE TABLE recovery_requests (
        id TEXT PRIMARY KEY,
        holder_id INTEGER REFERENCES holders(id),
        want TEXT NOT NULL CHECK (want IN ('username', 'erc', 'password')),
        code_hash BLOB NOT NULL,
        tries_left INTEGER NOT NULL CHECK (tries_left >= 0),
        status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'completed', 'failed', 'replaced')),
        address TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        verified_at TEXT,
        grant_hash BLOB,
        grant_expires_at TEXT,
        completed_at TEXT,
        certificate_id INTEGER REFERENCES certificates(id)
      );
      CREATE INDEX recovery_requests_open_by_holder ON recovery_requests(holder_id) WHERE status IN ('pending', 'verified');
    `,
  },
  {
    version: 8,
    name: 'digital seals: business name and number on certificates',
    sql: `
      ALTER TABLE certificates ADD COLUMN business_name TEXT;
      ALTER TABLE certificates ADD COLUMN business_number TEXT CHECK (business_number IS NULL OR length(business_number) = 9);
      -- One active digital seal per business; a person may hold seals of several businesses.
      CREATE UNIQUE INDEX one_active_digital_seal ON certificates(business_number)
        WHERE kind = 'digital-seal' AND status = 'active';
    `,
  },
  // Reserved numbers, so that work on several areas at once never reuses one:
  // 4 wallet challenges and activations, 5 revocation, CRL and OCSP state, 6 contracts,
  // 7 account recovery, 8 digital seals.
];
