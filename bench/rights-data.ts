/**
 * The privacy-rights benchmark's data, made in the database itself (set-based INSERT … SELECT over
 * a generated series), so a million orders take seconds rather than minutes and nothing is
 * committed to the repository: 100,000 customers, each with an address; 1,000,000 orders with two
 * lines and two events each, most on an account and a fifth as guests under the account's
 * address; and one customer, the one whose rights are exercised, with 500 orders spread through
 * the table, three addresses and sessions; half the customers subscribed to the newsletter.
 */
import { sql } from 'kysely';
import { type Db, dialectOf } from '../src/db/database.js';

export interface RightsData {
  customers: number;
  orders: number;
  /** Orders of the one customer the benchmark copies and erases. */
  heavyOrders: number;
}

export const HEAVY_EMAIL = 'heavy.buyer@example.test';
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$bench$bench';

/** A series 0…n-1 as a table `n(i)`, in each dialect. */
function series(db: Db, n: number) {
  return dialectOf(db) === 'postgres'
    ? sql`(select i from generate_series(0, ${sql.lit(n - 1)}) as g(i)) as n`
    : sql`(with recursive s(i) as (select 0 union all select i + 1 from s where i < ${sql.lit(n - 1)}) select i from s) as n`;
}

const pad = (db: Db, expr: string, width: number) =>
  dialectOf(db) === 'postgres' ? sql.raw(`lpad((${expr})::text, ${width}, '0')`) : sql.raw(`printf('%0${width}d', ${expr})`);

export async function fillRightsData(db: Db, data: RightsData, now: Date): Promise<{ heavyCustomerId: number }> {
  const at = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const long = at(900);
  const postgres = dialectOf(db) === 'postgres';
  const others = data.customers - 1;
  const spread = Math.floor(data.orders / data.heavyOrders);

  // Customer 1 is the heavy buyer; customers 2… are everyone else.
  await sql`insert into customers (email, first_name, surname, phone, password_hash, email_verified_at, created_at, updated_at)
    select case when i = 0 then ${HEAVY_EMAIL} else 'buyer' || ${pad(db, 'i', 6)} || '@example.test' end,
      'Ada', 'Buyer' || ${pad(db, 'i', 6)}, '07700 9' || ${pad(db, 'i % 100000', 5)}, ${PASSWORD_HASH}, ${long}, ${long}, ${long}
    from ${series(db, data.customers)}`.execute(db);
  const heavy = await db.selectFrom('customers').select('id').where('email', '=', HEAVY_EMAIL).executeTakeFirstOrThrow();

  await sql`insert into customer_addresses (customer_id, first_name, surname, line1, city, postcode, is_default, created_at, updated_at)
    select id, first_name, surname, (id % 200) || ' High Street', 'York', 'YO1 ' || (id % 9) || 'HH', 1, ${long}, ${long} from customers`.execute(
    db,
  );
  for (const [line1, postcode] of [
    ['3 Kings Parade', 'CB2 1SJ'],
    ['12 Rose Lane', 'NR1 1AA'],
  ] as const)
    await db
      .insertInto('customer_addresses')
      .values({
        customer_id: heavy.id,
        first_name: 'Ada',
        surname: 'Heavy',
        line1,
        city: 'Cambridge',
        postcode,
        created_at: long,
        updated_at: long,
      })
      .execute();

  // Order i belongs to the heavy buyer when i is a multiple of `spread` (500 of them, spread through
  // the table); otherwise to customer 2 + (i mod others), a fifth of them as a guest order under
  // the account's address. Every order is finished: delivered 200–2,900 days ago.
  // The next customer has as many, interleaved: the benchmark's second erasure, whose statements are timed one by one.
  const owner = `case when i % ${spread} = 0 and i / ${spread} < ${data.heavyOrders} then ${heavy.id} when i % ${spread} = 1 and i / ${spread} < ${data.heavyOrders} then ${heavy.id} + 1 else ${heavy.id} + 1 + (i % ${others}) end`;
  const day = postgres ? `(interval '1 day' * (200 + i % 2700))` : `(200 + i % 2700)`;
  const when = postgres
    ? sql.raw(`to_char((timestamp '${now.toISOString().slice(0, 19)}' - ${day}), 'YYYY-MM-DD"T"HH24:MI:SS".000Z"')`)
    : sql.raw(`strftime('%Y-%m-%dT%H:%M:%S.000Z', '${now.toISOString().slice(0, 19)}', '-' || ${day} || ' days')`);
  const batch = 250_000;
  for (let start = 0; start < data.orders; start += batch) {
    const size = Math.min(batch, data.orders - start);
    await sql`insert into orders (number, status, first_name, surname, email, phone, billing_line1, billing_city, billing_postcode,
        delivery_first_name, delivery_surname, delivery_line1, delivery_city, delivery_postcode, gift_message, delivery_method,
        delivery_pence, subtotal_pence, total_pence, tracking_number, created_at, updated_at, paid_at, dispatched_at, delivered_at,
        customer_id)
      select 'AS-' || ${pad(db, 't.i', 7)}, 'delivered', c.first_name, c.surname, c.email, c.phone, '1 High Street', 'York',
        'YO1 7HH', c.first_name, c.surname, '1 High Street', 'York', 'YO1 7HH', 'Happy birthday', 'tracked48', 395, 12000, 12395,
        'AB123456789GB', t.at, t.at, t.at, t.at, t.at, case when t.i % 5 = 4 and c.id <> ${heavy.id} then null else c.id end
      from (select i, ${sql.raw(owner)} as owner, ${when} as at from (select i + ${sql.lit(start)} as i from ${series(db, size)}) as s) as t
      join customers c on c.id = t.owner`.execute(db);
  }
  await sql`insert into order_lines (order_id, sku, product_name, variant_label, unit_pence, quantity)
    select id, 'SKU-' || k.n, 'Ring', 'Gold', 6000, 1 from orders cross join (select 1 as n union all select 2) as k`.execute(db);
  await sql`insert into order_events (order_id, at, kind, detail)
    select id, created_at, k.kind, k.kind from orders cross join (select 'placed' as kind union all select 'paid') as k`.execute(db);
  await sql`insert into payment_attempts (order_id, vendor_tx_code, amount_pence, status, created_at, result_at)
    select id, 'AS-TX-' || id, total_pence, 'ok', created_at, created_at from orders where customer_id = ${heavy.id}`.execute(db);

  await db
    .insertInto('customer_sessions')
    .values(
      Array.from({ length: 5 }, (_, k) => ({
        token_hash: `bench-session-${k}`,
        customer_id: heavy.id,
        device: 'Firefox on Linux',
        remember: 0,
        created_at: at(k + 1),
        last_seen_at: at(k),
        expires_at: at(-30),
      })),
    )
    .execute();
  // Half the customers take the General Subscription: the current choices a copy and an erasure look through.
  await sql`insert into consent_state (subject_key, purpose, given, customer_id, email, address_hash, entry_id, changed_at)
    select 'bench-' || id, 'general-subscription', 1, id, email, 'bench-hash-' || id, 0, ${long} from customers where id % 2 = 1`.execute(
    db,
  );

  // A running shop's database has its statistics; the planner needs them to use the indexes.
  await sql`analyze`.execute(db);
  return { heavyCustomerId: heavy.id };
}
