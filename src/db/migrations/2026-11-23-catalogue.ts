import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = await isPostgres(db);
  const id = (t: any) => (postgres ? t.generatedAlwaysAsIdentity() : t.autoIncrement()).primaryKey();

  await db.schema
    .createTable('categories')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('collections')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'integer', id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category_id', 'integer', (c) => c.notNull().references('categories.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('hallmark', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('care', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('stone', 'text')
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('products_category_idx').on('products').columns(['category_id', 'archived']).execute();

  await db.schema
    .createTable('product_collections')
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('collection_id', 'integer', (c) => c.notNull().references('collections.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('product_collections_pk', ['product_id', 'collection_id'])
    .execute();
  await db.schema.createIndex('product_collections_collection_idx').on('product_collections').column('collection_id').execute();

  await db.schema
    .createTable('variants')
    .addColumn('id', 'integer', id)
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('sku', 'text', (c) => c.notNull().unique())
    .addColumn('metal', 'text', (c) => c.notNull())
    .addColumn('ring_size', 'text')
    .addColumn('chain_length_in', 'integer')
    .addColumn('price_pence', 'integer', (c) => c.notNull().check(sql`price_pence >= 0`))
    .addColumn('stock', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`stock >= 0`),
    )
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('variants_product_idx').on('variants').columns(['product_id', 'metal', 'price_pence']).execute();

  await db.schema
    .createTable('product_images')
    .addColumn('id', 'integer', id)
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('product_images_product_idx').on('product_images').columns(['product_id', 'position']).execute();

  // Search: one row per product, its name weighted above the rest; each dialect indexes it with its own engine.
  await db.schema
    .createTable('product_search')
    .addColumn('product_id', 'integer', (c) => c.primaryKey().references('products.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .execute();
  if (postgres) {
    await sql`create index product_search_fts_idx on product_search using gin (
      (setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', document), 'B')))`.execute(db);
  } else {
    await sql`create virtual table product_fts using fts5(name, document, content='product_search', content_rowid='product_id', tokenize='porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
    await sql`create trigger product_search_ai after insert on product_search begin
      insert into product_fts(rowid, name, document) values (new.product_id, new.name, new.document); end`.execute(db);
    await sql`create trigger product_search_ad after delete on product_search begin
      insert into product_fts(product_fts, rowid, name, document) values ('delete', old.product_id, old.name, old.document); end`.execute(
      db,
    );
    await sql`create trigger product_search_au after update on product_search begin
      insert into product_fts(product_fts, rowid, name, document) values ('delete', old.product_id, old.name, old.document);
      insert into product_fts(rowid, name, document) values (new.product_id, new.name, new.document); end`.execute(db);
  }

  await db.schema
    .createTable('contact_messages')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_messages_created_idx').on('contact_messages').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'contact_messages',
    'product_fts',
    'product_search',
    'product_images',
    'variants',
    'product_collections',
    'products',
    'collections',
    'categories',
  ]) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}

async function isPostgres(db: Kysely<any>): Promise<boolean> {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
