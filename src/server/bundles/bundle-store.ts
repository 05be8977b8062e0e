import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DbOrTx } from '../db/client';
import { AppError } from '../errors';
import * as repo from './bundles.repository';

/**
 * Where bundle bytes live, by digest (`sha256:<hex>`). Content-addressed, so `put` of a digest
 * already stored changes nothing. The metadata (who uploaded what, when) is always in PostgreSQL.
 */
export interface BundleStore {
  readonly kind: 'db' | 's3';
  put(digest: string, bytes: Buffer): Promise<void>;
  /** The bytes as stored, or null when the store does not have them (callers verify the digest). */
  get(digest: string): Promise<Buffer | null>;
  has(digest: string): Promise<boolean>;
}

/** The embedded default: bytes in the `bundle_blobs` table. */
export class DbBundleStore implements BundleStore {
  readonly kind = 'db';
  constructor(private readonly db: DbOrTx) {}
  put(digest: string, bytes: Buffer) {
    return repo.putBlob(this.db, digest, bytes);
  }
  get(digest: string) {
    return repo.getBlob(this.db, digest);
  }
  has(digest: string) {
    return repo.hasBlob(this.db, digest);
  }
}

export interface S3StoreOptions {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Key prefix inside the bucket. */
  prefix?: string;
}

/** An S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …); objects are keyed `bundles/sha256/<hex>`. */
export class S3BundleStore implements BundleStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  constructor(private readonly o: S3StoreOptions) {
    this.client = new S3Client({
      region: o.region,
      endpoint: o.endpoint,
      // Path-style addressing is what self-hosted S3 servers speak.
      forcePathStyle: !!o.endpoint,
      credentials: o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined,
    });
  }

  private key(digest: string): string {
    return `${this.o.prefix ?? 'bundles/'}${digest.replace(':', '/')}`;
  }

  private unavailable(e: unknown, what: string): AppError {
    return new AppError('UNAVAILABLE', `the bundle store (S3 bucket ${this.o.bucket}) could not ${what}: ${(e as Error).message}`);
  }

  async put(digest: string, bytes: Buffer): Promise<void> {
    if (await this.has(digest)) return;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: this.key(digest), Body: bytes, ContentType: 'application/octet-stream' }));
    } catch (e) {
      throw this.unavailable(e, 'store the bundle');
    }
  }

  async get(digest: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(digest) }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : null;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw this.unavailable(e, 'read the bundle');
    }
  }

  async has(digest: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: this.key(digest) }));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw this.unavailable(e, 'look the bundle up');
    }
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

/**
 * The store configured by the environment: `BUNDLE_STORE=s3` with `S3_BUCKET`, `S3_REGION`
 * (default us-east-1), `S3_ENDPOINT` (for a self-hosted server), `S3_ACCESS_KEY_ID` and
 * `S3_SECRET_ACCESS_KEY`; PostgreSQL otherwise.
 */
export function createBundleStore(db: DbOrTx, env: Record<string, string | undefined> = process.env): BundleStore {
  if ((env.BUNDLE_STORE ?? 'db') === 'db') return new DbBundleStore(db);
  if (env.BUNDLE_STORE !== 's3') throw new Error(`BUNDLE_STORE must be "db" or "s3", not "${env.BUNDLE_STORE}"`);
  if (!env.S3_BUCKET) throw new Error('BUNDLE_STORE=s3 needs S3_BUCKET (and S3_REGION, S3_ENDPOINT for a self-hosted server, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)');
  return new S3BundleStore({
    bucket: env.S3_BUCKET,
    region: env.S3_REGION ?? 'us-east-1',
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  });
}
