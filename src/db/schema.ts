import type { Generated } from 'kysely';

/** Table types as the database holds them (both dialects). Booleans are stored as 0/1 integers. */
export interface Database {
  categories: {
    id: Generated<number>;
    slug: string;
    name: string;
    description: string;
    position: number;
  };
  collections: {
    id: Generated<number>;
    slug: string;
    name: string;
    description: string;
    featured: number;
    position: number;
  };
  products: {
    id: Generated<number>;
    slug: string;
    name: string;
    category_id: number;
    description: string;
    hallmark: string;
    care: string;
    stone: string | null;
    featured: number;
    archived: number;
    created_at: string;
    updated_at: string;
  };
  product_collections: {
    product_id: number;
    collection_id: number;
  };
  variants: {
    id: Generated<number>;
    product_id: number;
    sku: string;
    metal: string;
    ring_size: string | null;
    chain_length_in: number | null;
    price_pence: number;
    stock: number;
    position: number;
  };
  product_images: {
    id: Generated<number>;
    product_id: number;
    position: number;
    alt: string;
    content_type: string;
    body: string;
  };
  product_search: {
    product_id: number;
    name: string;
    document: string;
  };
  contact_messages: {
    id: Generated<number>;
    name: string;
    email: string;
    subject: string;
    message: string;
    created_at: string;
  };
  policy_versions: {
    version: string;
    published_at: string;
    summary: string;
  };
}
