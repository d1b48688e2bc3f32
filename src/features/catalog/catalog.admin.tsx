import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type FormBody as Body,
  fieldText as text,
  fieldTexts as texts,
  formBodyOf as bodyOf,
  parseInput,
  singleTextOrBlank as single,
} from '../../http/form-fields.js';
import { listPageCount, listPageNumber, listPageRows, listSearchText } from '../../http/query.js';
import { z } from 'zod';
import { badRequest, notFound, PublicError } from '../../http/errors.js';
import { Notice } from '../../http/views/components.js';
import { fieldErrors } from '../../http/views/form.js';
import { can, PERMISSIONS, ROLE_LABELS } from '../staff/staff.domain.js';
import { findAdminProduct, type GroupTable, listAdminProducts, listGroups } from './catalog.admin.repository.js';
import {
  CatalogAdmin,
  groupFormSchema,
  HISTORY_LENGTH,
  IMAGE_TOO_LARGE,
  productFormSchema,
  productHistory,
  readVariantRows,
  toProductDetail,
  variantFormSchema,
} from './catalog.admin.service.js';
import { MAX_UPLOAD_BYTES } from './catalog.images.js';
import { resolveVariant } from './catalog.variants.js';
import { GroupsPage, type GroupFormState, type GroupFormValues } from './views/admin-categories.js';
import {
  emptyVariantValues,
  NewProductPage,
  ProductEditPage,
  type ProductFormValues,
  type ProductPageState,
  type VariantFormValues,
  type VariantRowValues,
} from './views/admin-product.js';
import { ProductListPage, type ProductListQuery } from './views/admin-products.js';
import { ProductPage } from './views/product.js';

const listQuerySchema = z.object({
  q: listSearchText,
  category: single.pipe(z.string().max(80, "We don't know that category. Please use the choices on the page.")),
  status: single.pipe(
    z.enum(['', 'active', 'archived'], { message: 'Status is either active or archived. Please use the choices on the page.' }),
  ),
  sort: single.pipe(
    z
      .enum(['', 'name', 'updated'], { message: 'Products can be sorted by name or by when they were last updated.' })
      .transform((s) => s || 'name'),
  ),
  page: listPageNumber,
});

const directionSchema = z.object({
  direction: single.pipe(z.enum(['up', 'down'], { message: 'Please use the arrow buttons to change the order.' })),
});

const DONE: Record<string, string> = {
  created: 'Product saved. It is on sale in the shop now.',
  saved: 'Details saved. The shop shows them now.',
  archived: 'Archived. Shoppers can no longer find this piece.',
  restored: 'Restored. The piece is back on sale.',
  'variant-added': 'Variant added.',
  variants: 'Variants saved. The shop shows the new prices and stock now.',
  'variants-unchanged': 'Nothing in the variants table was changed, so nothing was saved.',
  'image-added': 'Photo added.',
  'image-removed': 'Photo removed.',
  'image-moved': 'Photo order changed.',
};

const GROUP_DONE: Record<string, string> = {
  created: 'Added. It is in the shop now.',
  saved: 'Saved.',
  moved: 'Order changed.',
  deleted: 'Deleted.',
};

function idParam(raw: string, what: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw notFound(`We couldn't find that ${what}.`);
  return Number(raw);
}

function noticeFrom(req: FastifyRequest, messages: Record<string, string>): string | undefined {
  const done = (req.query as Record<string, unknown>).done;
  return typeof done === 'string' ? messages[done] : undefined;
}

function productValues(body: Body): ProductFormValues {
  return {
    name: text(body.name),
    slug: text(body.slug),
    category: text(body.category),
    description: text(body.description),
    hallmark: text(body.hallmark),
    care: text(body.care),
    stone: text(body.stone),
    featured: text(body.featured) !== '',
    collections: texts(body.collections),
  };
}

function variantValues(body: Body): VariantFormValues {
  return {
    metal: text(body.metal),
    ringSize: text(body.ringSize),
    chainLength: text(body.chainLength),
    sku: text(body.sku),
    price: text(body.price),
    stock: text(body.stock),
  };
}

/** What was typed in each row of the variants table, to show it again beside the problems. */
function variantRowValues(body: Body): Record<number, VariantRowValues> {
  const out: Record<number, VariantRowValues> = {};
  for (const id of texts(body.row)) {
    if (!/^\d{1,9}$/.test(id)) continue;
    out[Number(id)] = {
      price: body[`price-${id}`] === undefined ? undefined : text(body[`price-${id}`]),
      delta: text(body[`delta-${id}`]),
      reason: text(body[`reason-${id}`]),
      note: text(body[`note-${id}`]),
      remove: text(body[`remove-${id}`]) !== '',
    };
  }
  return out;
}

function groupValues(body: Body): GroupFormValues {
  return { name: text(body.name), slug: text(body.slug), description: text(body.description), featured: text(body.featured) !== '' };
}

/** Back-office catalogue management. */
export async function catalogAdminRoutes(app: FastifyInstance): Promise<void> {
  const admin = new CatalogAdmin(app.db, app.catalog, app.config.dataDir);
  const view = { config: { access: 'catalogue.view' as const } };
  const edit = { config: { access: 'catalogue.edit' as const } };
  const roleCan = (req: FastifyRequest, permission: 'catalogue.edit' | 'stock.adjust') =>
    req.staffSession !== null && can(req.staffSession.staff.role, permission);
  /** Refuses a change the member's role does not include, in the words the back office's guard uses. */
  const requireRole = (req: FastifyRequest, permission: 'catalogue.edit' | 'stock.adjust') => {
    if (roleCan(req, permission)) return;
    const role = req.staffSession?.staff.role;
    const who = role && role in ROLE_LABELS ? ROLE_LABELS[role as keyof typeof ROLE_LABELS] : 'none';
    throw new PublicError(
      403,
      `Your role (${who}) does not include this: ${PERMISSIONS[permission].toLowerCase()}. Ask the shop's owner if you need it.`,
      'Not part of your role',
    );
  };

  // ---- Product list ------------------------------------------------------------------------

  app.get('/admin/products', view, async (req, reply) => {
    const q = parseInput(listQuerySchema, req.query);
    const categories = app.catalog.navCategories();
    const category = q.category ? categories.find((c) => c.slug === q.category) : undefined;
    if (q.category && !category) throw badRequest("We don't know that category. Please use the choices on the page.");
    const query: ProductListQuery = { q: q.q, category: q.category, status: q.status, sort: q.sort, page: q.page };
    const filter = {
      text: q.q || undefined,
      categoryId: category?.id,
      status: q.status || undefined,
      sort: q.sort,
      ...listPageRows(q.page),
    };
    // Held for the current catalogue version only: every catalogue write drops it, as for the storefront.
    const { rows, total } = await app.catalog.memo(`admin-products:${JSON.stringify(filter)}`, () => listAdminProducts(app.db, filter));
    const pages = listPageCount(total, q.page);
    return reply.adminPage(
      { title: 'Products', section: 'products', csrfToken: reply.csrfToken() },
      <ProductListPage
        query={query}
        categories={categories}
        rows={rows}
        total={total}
        pages={pages}
        canEdit={roleCan(req, 'catalogue.edit')}
      />,
    );
  });

  // ---- Create ------------------------------------------------------------------------------

  const newProductPage = (
    reply: FastifyReply,
    values: ProductFormValues,
    variant: VariantFormValues,
    errors: Record<string, string | undefined>,
    status = 200,
  ) =>
    reply.adminPage(
      { title: 'Add a product', section: 'products', csrfToken: reply.csrfToken() },
      <NewProductPage
        csrf={reply.csrfToken()}
        values={values}
        variant={variant}
        errors={errors}
        categories={app.catalog.navCategories()}
        collections={app.catalog.allCollections()}
      />,
      status,
    );

  app.get('/admin/products/new', edit, async (_req, reply) =>
    newProductPage(
      reply,
      { name: '', slug: '', category: '', description: '', hallmark: '', care: '', stone: '', featured: false, collections: [] },
      emptyVariantValues,
      {},
    ),
  );

  app.post('/admin/products/new', edit, async (req, reply) => {
    const body = bodyOf(req);
    const product = productFormSchema.safeParse(body);
    const variant = variantFormSchema.safeParse(body);
    if (!product.success || !variant.success) {
      const errors = { ...fieldErrors(variant.error?.issues ?? []), ...fieldErrors(product.error?.issues ?? []) };
      return newProductPage(reply, productValues(body), variantValues(body), errors, 400);
    }
    const created = await admin.createProduct(product.data, variant.data, req.staffSession?.staff.id ?? null, app.clock());
    if (!created.ok) return newProductPage(reply, productValues(body), variantValues(body), created.errors, 400);
    return reply.redirect(`/admin/products/${created.id}?done=created`, 303);
  });

  // ---- One product -------------------------------------------------------------------------

  async function productPage(req: FastifyRequest, reply: FastifyReply, id: number, state: ProductPageState, status = 200) {
    const product = await findAdminProduct(app.db, id);
    if (!product) throw notFound("We couldn't find that product.");
    const { movements, priceChanges } = await productHistory(app.db, id, HISTORY_LENGTH);
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: product.name, section: 'products', csrfToken: csrf },
      <ProductEditPage
        product={product}
        movements={movements}
        priceChanges={priceChanges}
        categories={app.catalog.navCategories()}
        collections={app.catalog.allCollections()}
        csrf={csrf}
        canEdit={roleCan(req, 'catalogue.edit')}
        canAdjust={roleCan(req, 'stock.adjust')}
        state={state}
      />,
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/products/:id', view, async (req, reply) =>
    productPage(req, reply, idParam(req.params.id, 'product'), { notice: noticeFrom(req, DONE) }),
  );

  app.post<{ Params: { id: string } }>('/admin/products/:id', edit, async (req, reply) => {
    const id = idParam(req.params.id, 'product');
    const body = bodyOf(req);
    const parsed = productFormSchema.safeParse(body);
    const result = parsed.success
      ? await admin.updateProduct(id, parsed.data, app.clock())
      : ({ ok: false, reason: 'invalid', errors: fieldErrors(parsed.error.issues) } as const);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound("We couldn't find that product.");
      return productPage(req, reply, id, { details: { values: productValues(body), errors: result.errors } }, 400);
    }
    return reply.redirect(`/admin/products/${id}?done=saved`, 303);
  });

  for (const [action, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/admin/products/:id/${action}`, edit, async (req, reply) => {
      const id = idParam(req.params.id, 'product');
      const result = await admin.setArchived(id, archived, app.clock());
      if (!result.ok) throw notFound("We couldn't find that product.");
      return reply.redirect(`/admin/products/${id}?done=${archived ? 'archived' : 'restored'}`, 303);
    });
  }

  app.get<{ Params: { id: string } }>('/admin/products/:id/preview', view, async (req, reply) => {
    const product = await findAdminProduct(app.db, idParam(req.params.id, 'product'));
    if (!product) throw notFound("We couldn't find that product.");
    const detail = toProductDetail(product);
    const first = detail.variants[0];
    const banner = (
      <Notice kind="info">
        <strong>Preview.</strong>{' '}
        {product.archived ? 'This piece is archived: shoppers cannot see this page.' : 'This is the page shoppers see.'}{' '}
        <a href={`/admin/products/${product.id}`}>Back to the back office</a>
      </Notice>
    );
    if (!first) {
      return reply.page(
        { title: `Preview: ${product.name}`, noindex: true },
        <section class="narrow">
          {banner}
          <p>This piece has no variants yet, so the shop cannot show it. Add a variant first.</p>
        </section>,
      );
    }
    const choice = { metal: first.metal };
    const resolved = resolveVariant(detail.variants, choice);
    return reply.page(
      { title: `Preview: ${product.name}`, noindex: true },
      <>
        {banner}
        <ProductPage
          product={detail}
          choice={choice}
          chosen={resolved.ok ? resolved.variant : null}
          maxPerLine={app.config.orders.maxLineQuantity}
        />
      </>,
    );
  });

  // ---- Variants ----------------------------------------------------------------------------

  app.post<{ Params: { id: string } }>('/admin/products/:id/variants', edit, async (req, reply) => {
    const id = idParam(req.params.id, 'product');
    const body = bodyOf(req);
    const parsed = variantFormSchema.safeParse(body);
    const result = parsed.success
      ? await admin.addVariant(id, parsed.data, req.staffSession?.staff.id ?? null, app.clock())
      : ({ ok: false, reason: 'invalid', errors: fieldErrors(parsed.error.issues) } as const);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound("We couldn't find that product.");
      return productPage(req, reply, id, { newVariant: { values: variantValues(body), errors: result.errors } }, 400);
    }
    return reply.redirect(`/admin/products/${id}?done=variant-added`, 303);
  });

  // One form for every variant of the piece: prices, stock adjustments and removals, saved together.
  // Each part needs its permission; a role may send only the parts its page offers.
  app.post<{ Params: { id: string } }>('/admin/products/:id/variants/save', view, async (req, reply) => {
    const id = idParam(req.params.id, 'product');
    const body = bodyOf(req);
    const form = readVariantRows(body);
    if (!form.ok) throw badRequest(form.message);
    if (form.changes.prices || form.changes.removals) requireRole(req, 'catalogue.edit');
    if (form.changes.stock) requireRole(req, 'stock.adjust');
    const result = await admin.saveVariants(id, form.rows, req.staffSession?.staff.id ?? null, app.clock(), form.errors);
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound("We couldn't find that product.");
      return productPage(req, reply, id, { variants: { values: variantRowValues(body), errors: result.errors } }, 400);
    }
    return reply.redirect(`/admin/products/${id}?done=${result.changed > 0 ? 'variants' : 'variants-unchanged'}`, 303);
  });

  // ---- Images ------------------------------------------------------------------------------

  // Uploads get their own scope, so that only this route accepts multipart bodies.
  await app.register(async (uploads) => {
    // The back office's guard checks the session and the permission before a byte of the upload is
    // read; the CSRF check, which needs the form's fields, runs once the body is in.
    // keyValues: fields arrive as plain strings (so the CSRF check finds _csrf) and the file as a Buffer.
    await uploads.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
    });
    uploads.setErrorHandler((err: FastifyError) => {
      switch (err.code) {
        case 'FST_REQ_FILE_TOO_LARGE':
          throw new PublicError(413, IMAGE_TOO_LARGE, 'Photo too large');
        case 'FST_FILES_LIMIT':
          throw new PublicError(413, 'Please upload one photo at a time.', 'One photo at a time');
        case 'FST_PARTS_LIMIT':
        case 'FST_FIELDS_LIMIT':
        case 'FST_PROTO_VIOLATION':
        case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
          throw badRequest('We could not read that upload. Please use the form on the product page.');
      }
      // The multipart reader throws plain errors for a malformed or cut-off body; anything after it is ours.
      if (err.statusCode === undefined && /multipart|boundary|part header|end of form|terminated early/i.test(err.message)) {
        throw badRequest('We could not read that upload: it may have been cut off. Please choose the photo again and resend the form.');
      }
      throw err;
    });

    uploads.post<{ Params: { id: string } }>('/admin/products/:id/images', edit, async (req, reply) => {
      const id = idParam(req.params.id, 'product');
      const body = bodyOf(req);
      const file = Buffer.isBuffer(body.image) ? body.image : null;
      const alt = typeof body.alt === 'string' ? body.alt : '';
      const result = await admin.addImage(id, file, alt, app.clock());
      if (!result.ok) {
        if (result.reason === 'not_found') throw notFound("We couldn't find that product.");
        return productPage(req, reply, id, { image: { alt, errors: result.errors } }, 400);
      }
      return reply.redirect(`/admin/products/${id}?done=image-added#images`, 303);
    });
  });

  app.post<{ Params: { id: string } }>('/admin/images/:id/delete', edit, async (req, reply) => {
    const result = await admin.deleteImage(idParam(req.params.id, 'photo'), app.clock());
    if (!result.ok) throw notFound("We couldn't find that photo. It may have been removed already.");
    if (!result.filesRemoved) req.log.warn({ imageId: req.params.id }, 'photo removed, but its files could not be deleted');
    return reply.redirect(`/admin/products/${result.productId}?done=image-removed#images`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/images/:id/move', edit, async (req, reply) => {
    const id = idParam(req.params.id, 'photo');
    const { direction } = parseInput(directionSchema, req.body);
    const result = await admin.moveImage(id, direction, app.clock());
    if (!result.ok) throw notFound("We couldn't find that photo. It may have been removed.");
    return reply.redirect(`/admin/products/${result.productId}?done=image-moved#images`, 303);
  });

  // ---- Categories and collections ----------------------------------------------------------

  async function groupsPage(reply: FastifyReply, extra: { notice?: string; problem?: string; form?: GroupFormState }, status = 200) {
    const [categories, collections] = await Promise.all([listGroups(app.db, 'categories'), listGroups(app.db, 'collections')]);
    const csrf = reply.csrfToken();
    return reply.adminPage(
      { title: 'Categories & collections', section: 'categories', csrfToken: csrf },
      <GroupsPage csrf={csrf} categories={categories} collections={collections} {...extra} />,
      status,
    );
  }

  /** First parts of the shop's own addresses (/search, /about…): a category at /<slug> must not hide one. */
  const reservedSlugs = () =>
    new Set(app.routeTable.map((r) => r.url.split('/')[1] ?? '').filter((s) => s !== '' && !s.startsWith(':') && !s.includes('*')));

  app.get('/admin/categories', edit, async (req, reply) => groupsPage(reply, { notice: noticeFrom(req, GROUP_DONE) }));
  app.get('/admin/collections', edit, async (_req, reply) => reply.redirect('/admin/categories#collections', 303));

  for (const table of ['categories', 'collections'] as const satisfies readonly GroupTable[]) {
    const base = `/admin/${table}`;
    const what = table === 'categories' ? 'category' : 'collection';

    const save = async (req: FastifyRequest, reply: FastifyReply, id: number | null) => {
      const body = bodyOf(req);
      const parsed = groupFormSchema.safeParse(body);
      const result = parsed.success
        ? await admin.saveGroup(table, id, parsed.data, reservedSlugs())
        : ({ ok: false, reason: 'invalid', errors: fieldErrors(parsed.error.issues) } as const);
      if (!result.ok) {
        if (result.reason === 'not_found') throw notFound(`We couldn't find that ${what}.`);
        return groupsPage(reply, { form: { table, id, values: groupValues(body), errors: result.errors as Record<string, string> } }, 400);
      }
      return reply.redirect(`/admin/categories?done=${id === null ? 'created' : 'saved'}#${table}`, 303);
    };

    app.post(`${base}/new`, edit, async (req, reply) => save(req, reply, null));
    app.post<{ Params: { id: string } }>(`${base}/:id`, edit, async (req, reply) => save(req, reply, idParam(req.params.id, what)));

    app.post<{ Params: { id: string } }>(`${base}/:id/move`, edit, async (req, reply) => {
      const id = idParam(req.params.id, what);
      const { direction } = parseInput(directionSchema, req.body);
      const result = await admin.moveGroup(table, id, direction);
      if (!result.ok) throw notFound(`We couldn't find that ${what}.`);
      return reply.redirect(`/admin/categories?done=moved#${table}`, 303);
    });

    app.post<{ Params: { id: string } }>(`${base}/:id/delete`, edit, async (req, reply) => {
      const result = await admin.deleteGroup(table, idParam(req.params.id, what));
      if (!result.ok) {
        if (result.reason === 'not_found') throw notFound(`We couldn't find that ${what}.`);
        const problem = `This category still has ${result.count === 1 ? '1 product' : `${result.count} products`} (archived ones count too). Move them to another category first.`;
        return groupsPage(reply, { problem }, 409);
      }
      return reply.redirect(`/admin/categories?done=deleted#${table}`, 303);
    });
  }
}
