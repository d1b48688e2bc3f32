/**
 * A believable demo catalogue for a small UK jeweller: collections, products, copy, hallmarks,
 * care notes and prices (integer pence, VAT included). Used to seed a fresh shop so every page,
 * filter and sort has something real-looking to show.
 */
import type { CategorySlug, MetalCode, StoneCode } from '../catalog.domain.js';

export type DrawingKind =
  | 'solitaire'
  | 'band'
  | 'halo'
  | 'eternity'
  | 'signet'
  | 'stacking'
  | 'pendant'
  | 'locket'
  | 'chain'
  | 'stud'
  | 'hoop'
  | 'drop'
  | 'bangle'
  | 'tennis'
  | 'charm'
  | 'cuff';

export interface DemoCollection {
  slug: string;
  name: string;
  description: string;
  featured: boolean;
}

export interface DemoProduct {
  slug: string;
  name: string;
  category: CategorySlug;
  collections: string[];
  description: string;
  hallmark: string;
  care: string;
  metals: MetalCode[];
  stone: StoneCode | null;
  prices: Partial<Record<MetalCode, number>>;
  drawing: DrawingKind;
  featured?: boolean;
  createdDaysAgo: number;
}

export const demoCollections: DemoCollection[] = [
  {
    slug: 'bridal-and-engagement',
    name: 'Bridal & Engagement',
    description:
      'Engagement rings, wedding bands and eternity rings, hand-finished and hallmarked in Britain. Ethically sourced stones, set by hand, made to be worn every day for a lifetime.',
    featured: true,
  },
  {
    slug: 'everyday-gold',
    name: 'Everyday Gold',
    description:
      'Fine chains, slim hoops and stacking rings in solid 9ct and 18ct gold: pieces light enough to forget you are wearing and strong enough to never take off.',
    featured: true,
  },
  {
    slug: 'birthstone-colours',
    name: 'Birthstone Colours',
    description:
      'Sapphire for September, ruby for July, amethyst for February and more. Colourful gemstones chosen one by one for their depth and brilliance.',
    featured: true,
  },
  {
    slug: 'heritage',
    name: 'Heritage',
    description:
      'Signet rings, engraved lockets and curb chains inspired by Georgian and Victorian jewellery, made with traditional techniques in our Jewellery Quarter workshop.',
    featured: false,
  },
  {
    slug: 'gifts-for-her',
    name: 'Gifts for Her',
    description:
      'Thoughtful presents for birthdays, anniversaries and milestones, every one sent in our signature box with a handwritten card.',
    featured: false,
  },
  {
    slug: 'silver-essentials',
    name: 'Silver Essentials',
    description: 'Hallmarked sterling silver at honest prices: the pendants, hoops and bangles you will reach for every morning.',
    featured: false,
  },
];

type Office = 'Birmingham' | 'London' | 'Sheffield' | 'Edinburgh';

function fineness(metal: MetalCode): string {
  if (metal.startsWith('9ct')) return '375 (9ct gold)';
  if (metal.startsWith('18ct')) return '750 (18ct gold)';
  if (metal === 'platinum') return '950 (platinum)';
  return '925 (sterling silver)';
}

/** Hallmark wording with the correct fineness mark for every metal the piece is made in. */
function hallmark(office: Office, metals: readonly MetalCode[]): string {
  const marks = [...new Set(metals.map(fineness))];
  const list = marks.length === 1 ? marks[0] : `${marks.slice(0, -1).join(', ')} or ${marks[marks.length - 1]}`;
  const where = office === 'London' ? 'London Assay Office at Goldsmiths’ Hall' : `${office} Assay Office`;
  return `Hallmarked ${list} at the ${where}${marks.length > 1 ? ', according to the metal you choose' : ''}.`;
}

const STONE_CARE: Record<StoneCode, string> = {
  diamond: 'Soak in warm soapy water and brush gently behind the stone with a soft toothbrush to bring back its sparkle.',
  sapphire: 'Sapphires are hard-wearing; clean with warm soapy water and a soft brush, then pat dry.',
  emerald: 'Emeralds are usually oiled, so avoid ultrasonic cleaners, steam and hot water, and wipe gently with a soft, barely damp cloth.',
  ruby: 'Rubies are tough stones, and warm soapy water with a soft brush will keep them bright.',
  pearl: 'Put pearls on last and take them off first, keep them away from perfume and hairspray, and wipe with a soft cloth after wearing.',
  amethyst: 'Keep amethyst out of strong sunlight for long spells, which can fade its colour, and clean it with warm soapy water.',
  'blue-topaz': 'Topaz can chip if knocked, so take it off for the gym or gardening and clean it with warm soapy water only.',
  morganite: 'Clean morganite with warm soapy water and a soft brush, and keep it away from harsh household chemicals.',
};

function metalCare(metal: MetalCode): string {
  if (metal === 'sterling-silver') return 'Store it in the anti-tarnish pouch provided and polish with a silver cloth when it dulls.';
  if (metal === 'platinum') return 'Platinum softens to a satin patina with wear; any jeweller can repolish it to a mirror shine.';
  if (metal.includes('white')) return 'White gold is rhodium plated, so have it re-plated every year or two to keep it bright.';
  return 'Take it off before swimming, as chlorine can weaken gold over time, and store it apart from other pieces.';
}

function care(metal: MetalCode, stone: StoneCode | null): string {
  if (stone) return `${STONE_CARE[stone]} ${metalCare(metal)}`;
  return `${metalCare(metal)} Buff gently with a soft jewellery cloth to keep the polish bright.`;
}

type Entry = Omit<DemoProduct, 'hallmark' | 'care' | 'metals'> & {
  metals: [MetalCode, ...MetalCode[]];
  office?: Office;
  hallmarkOverride?: string;
};

const EXEMPT_STUDS =
  'Each earring weighs under the UK exemption weight (1g for gold, 7.78g for sterling silver), so it is not hallmarked; every piece is stamped 375 or 925 by the maker.';

const entries: Entry[] = [
  // ─── Rings ──────────────────────────────────────────────────────────────
  {
    slug: 'aurelia-diamond-solitaire-ring',
    name: 'Aurelia Diamond Solitaire Ring',
    category: 'rings',
    collections: ['bridal-and-engagement'],
    description:
      'A single brilliant-cut diamond held high in a slender four-claw setting, so it catches the light from every side. The softly rounded band sits comfortably next to a wedding ring. Our 0.30ct stones are G colour, VS clarity and conflict-free.',
    metals: ['18ct-yellow-gold', '18ct-white-gold', 'platinum'],
    stone: 'diamond',
    prices: { '18ct-yellow-gold': 195000, '18ct-white-gold': 195000, platinum: 235000 },
    drawing: 'solitaire',
    featured: true,
    createdDaysAgo: 12,
    office: 'Birmingham',
  },
  {
    slug: 'celeste-sapphire-halo-ring',
    name: 'Celeste Sapphire Halo Ring',
    category: 'rings',
    collections: ['bridal-and-engagement', 'birthstone-colours'],
    description:
      'A velvety cornflower-blue sapphire framed by a halo of sparkling diamonds. The halo makes the centre stone look larger and gives the ring a gentle vintage feel. A September birthstone with real presence.',
    metals: ['18ct-white-gold', 'platinum'],
    stone: 'sapphire',
    prices: { '18ct-white-gold': 245000, platinum: 285000 },
    drawing: 'halo',
    featured: true,
    createdDaysAgo: 34,
    office: 'London',
  },
  {
    slug: 'rosalind-morganite-halo-ring',
    name: 'Rosalind Morganite Halo Ring',
    category: 'rings',
    collections: ['bridal-and-engagement', 'gifts-for-her'],
    description:
      'A soft peach-pink morganite circled with tiny white stones and set in warm rose gold. Romantic without being sugary, it makes a lovely alternative engagement ring or a special anniversary gift.',
    metals: ['9ct-rose-gold', '18ct-rose-gold'],
    stone: 'morganite',
    prices: { '9ct-rose-gold': 69500, '18ct-rose-gold': 149500 },
    drawing: 'halo',
    createdDaysAgo: 58,
    office: 'Birmingham',
  },
  {
    slug: 'everly-diamond-full-eternity-ring',
    name: 'Everly Diamond Full Eternity Ring',
    category: 'rings',
    collections: ['bridal-and-engagement'],
    description:
      'Brilliant-cut diamonds set all the way round in a fine claw setting, for sparkle whichever way the ring turns. A classic choice for a wedding, an anniversary or the birth of a child. Total diamond weight 1.00ct.',
    metals: ['platinum', '18ct-white-gold', '18ct-yellow-gold'],
    stone: 'diamond',
    prices: { platinum: 325000, '18ct-white-gold': 275000, '18ct-yellow-gold': 275000 },
    drawing: 'eternity',
    createdDaysAgo: 121,
    office: 'London',
  },
  {
    slug: 'victoria-sapphire-half-eternity-ring',
    name: 'Victoria Sapphire Half Eternity Ring',
    category: 'rings',
    collections: ['bridal-and-engagement', 'heritage'],
    description:
      'Seven deep blue sapphires set across the top of the band, with fine claws to let in as much light as possible. A nod to the Victorian half hoop, made to sit neatly beside an engagement ring.',
    metals: ['18ct-white-gold', 'platinum'],
    stone: 'sapphire',
    prices: { '18ct-white-gold': 185000, platinum: 225000 },
    drawing: 'eternity',
    createdDaysAgo: 203,
    office: 'Sheffield',
  },
  {
    slug: 'wren-court-wedding-band',
    name: 'Wren Court Wedding Band',
    category: 'rings',
    collections: ['bridal-and-engagement', 'everyday-gold'],
    description:
      'A 2.5mm court-shaped wedding band, gently domed outside and inside so it slips on easily and feels comfortable all day. Polished to a mirror finish and made to order in your size.',
    metals: ['9ct-yellow-gold', '18ct-yellow-gold', 'platinum', '9ct-white-gold'],
    stone: null,
    prices: { '9ct-yellow-gold': 29500, '18ct-yellow-gold': 69500, platinum: 99500, '9ct-white-gold': 29500 },
    drawing: 'band',
    createdDaysAgo: 300,
    office: 'Birmingham',
  },
  {
    slug: 'fenwick-silver-band',
    name: 'Fenwick Silver Band',
    category: 'rings',
    collections: ['silver-essentials'],
    description:
      'A simple 3mm band in solid sterling silver with a soft flat profile. Wear it alone, on the little finger, or stacked with gold for an easy mix of metals.',
    metals: ['sterling-silver'],
    stone: null,
    prices: { 'sterling-silver': 4500 },
    drawing: 'band',
    createdDaysAgo: 88,
    office: 'Sheffield',
  },
  {
    slug: 'hartley-oval-signet-ring',
    name: 'Hartley Oval Signet Ring',
    category: 'rings',
    collections: ['heritage', 'everyday-gold'],
    description:
      'A traditional oval signet with a generous flat face, ready to be hand engraved with initials or a family crest. Solid and substantial, with shoulders that taper neatly into the band.',
    metals: ['9ct-yellow-gold', 'sterling-silver'],
    stone: null,
    prices: { '9ct-yellow-gold': 49500, 'sterling-silver': 9500 },
    drawing: 'signet',
    createdDaysAgo: 147,
    office: 'Birmingham',
  },
  {
    slug: 'marlowe-emerald-signet-ring',
    name: 'Marlowe Emerald Signet Ring',
    category: 'rings',
    collections: ['heritage', 'birthstone-colours'],
    description:
      'A rich green emerald-cut emerald set flush into the face of a heavy 18ct gold signet. Heirloom weight with a modern clean line, and a May birthstone to treasure.',
    metals: ['18ct-yellow-gold'],
    stone: 'emerald',
    prices: { '18ct-yellow-gold': 165000 },
    drawing: 'signet',
    createdDaysAgo: 19,
    office: 'London',
  },
  {
    slug: 'linnea-stacking-ring',
    name: 'Linnea Stacking Ring',
    category: 'rings',
    collections: ['everyday-gold', 'gifts-for-her'],
    description:
      'A fine 1.5mm band in solid 9ct gold, just right for stacking. Mix yellow, white and rose gold for a relaxed look, and add another for every occasion worth remembering.',
    metals: ['9ct-yellow-gold', '9ct-rose-gold', '9ct-white-gold'],
    stone: null,
    prices: { '9ct-yellow-gold': 14500, '9ct-rose-gold': 14500, '9ct-white-gold': 14500 },
    drawing: 'stacking',
    createdDaysAgo: 5,
    office: 'Birmingham',
  },
  {
    slug: 'ember-ruby-stacking-ring',
    name: 'Ember Ruby Stacking Ring',
    category: 'rings',
    collections: ['birthstone-colours', 'gifts-for-her'],
    description:
      'A slim band set with a single glowing ruby, the July birthstone. Lovely on its own and even better stacked with plain bands either side.',
    metals: ['9ct-rose-gold', '9ct-yellow-gold'],
    stone: 'ruby',
    prices: { '9ct-rose-gold': 22500, '9ct-yellow-gold': 22500 },
    drawing: 'stacking',
    createdDaysAgo: 41,
    office: 'Sheffield',
  },
  {
    slug: 'isolde-amethyst-cocktail-ring',
    name: 'Isolde Amethyst Cocktail Ring',
    category: 'rings',
    collections: ['birthstone-colours', 'silver-essentials'],
    description:
      'A generous oval amethyst in a deep, regal purple, raised in a claw setting that lets the colour glow. A confident ring for evenings out, and the February birthstone.',
    metals: ['sterling-silver', '9ct-yellow-gold'],
    stone: 'amethyst',
    prices: { 'sterling-silver': 12500, '9ct-yellow-gold': 42500 },
    drawing: 'solitaire',
    createdDaysAgo: 76,
    office: 'Edinburgh',
  },
  {
    slug: 'thea-blue-topaz-ring',
    name: 'Thea Blue Topaz Ring',
    category: 'rings',
    collections: ['silver-essentials', 'birthstone-colours'],
    description:
      'A bright Swiss blue topaz, the colour of a summer sea, set in polished sterling silver. An easy pop of colour for every day and a December birthstone.',
    metals: ['sterling-silver'],
    stone: 'blue-topaz',
    prices: { 'sterling-silver': 6500 },
    drawing: 'solitaire',
    createdDaysAgo: 160,
    office: 'Sheffield',
  },
  {
    slug: 'ada-freshwater-pearl-ring',
    name: 'Ada Freshwater Pearl Ring',
    category: 'rings',
    collections: ['silver-essentials', 'gifts-for-her'],
    description:
      'A lustrous 7mm freshwater pearl perched on a fine band. Quietly elegant, it suits everything from jeans to a wedding guest outfit. The June birthstone.',
    metals: ['sterling-silver', '9ct-yellow-gold'],
    stone: 'pearl',
    prices: { 'sterling-silver': 6500, '9ct-yellow-gold': 19500 },
    drawing: 'solitaire',
    createdDaysAgo: 230,
    office: 'Edinburgh',
  },

  // ─── Necklaces ──────────────────────────────────────────────────────────
  {
    slug: 'aurelia-diamond-solitaire-pendant',
    name: 'Aurelia Diamond Solitaire Pendant',
    category: 'necklaces',
    collections: ['bridal-and-engagement', 'gifts-for-her'],
    description:
      'A single brilliant-cut diamond in a four-claw setting, floating on a fine trace chain. Timeless, understated and easy to wear every day. The 18in chain has an extra loop to wear it at 16in.',
    metals: ['18ct-white-gold', '18ct-yellow-gold', 'platinum'],
    stone: 'diamond',
    prices: { '18ct-white-gold': 89500, '18ct-yellow-gold': 89500, platinum: 129500 },
    drawing: 'pendant',
    featured: true,
    createdDaysAgo: 9,
    office: 'Birmingham',
  },
  {
    slug: 'celeste-sapphire-halo-pendant',
    name: 'Celeste Sapphire Halo Pendant',
    category: 'necklaces',
    collections: ['bridal-and-engagement', 'birthstone-colours'],
    description:
      'A rich blue sapphire surrounded by a halo of diamonds, made to match our Celeste ring. It sits just below the collarbone on a fine 18ct white gold chain.',
    metals: ['18ct-white-gold'],
    stone: 'sapphire',
    prices: { '18ct-white-gold': 115000 },
    drawing: 'pendant',
    createdDaysAgo: 66,
    office: 'London',
  },
  {
    slug: 'primrose-pearl-drop-pendant',
    name: 'Primrose Pearl Drop Pendant',
    category: 'necklaces',
    collections: ['gifts-for-her', 'birthstone-colours'],
    description:
      'A round freshwater pearl with a soft, creamy lustre, hung from a polished cap on a delicate chain. A graceful gift for a bride, a bridesmaid or a June birthday.',
    metals: ['9ct-yellow-gold', 'sterling-silver'],
    stone: 'pearl',
    prices: { '9ct-yellow-gold': 16500, 'sterling-silver': 5500 },
    drawing: 'pendant',
    createdDaysAgo: 27,
    office: 'Edinburgh',
  },
  {
    slug: 'heirloom-oval-locket',
    name: 'Heirloom Oval Locket',
    category: 'necklaces',
    collections: ['heritage', 'gifts-for-her'],
    description:
      'A classic oval locket with a hand-engraved border and room inside for two small photographs. It opens on a strong hinge and closes with a satisfying click. Can be engraved on the back.',
    metals: ['9ct-yellow-gold', 'sterling-silver'],
    stone: null,
    prices: { '9ct-yellow-gold': 44500, 'sterling-silver': 8500 },
    drawing: 'locket',
    featured: true,
    createdDaysAgo: 190,
    office: 'Birmingham',
  },
  {
    slug: 'ivy-engraved-round-locket',
    name: 'Ivy Engraved Round Locket',
    category: 'necklaces',
    collections: ['heritage', 'silver-essentials'],
    description:
      'A small round locket engraved with a trailing ivy pattern, inspired by a Victorian keepsake in our collection. Just big enough for a tiny photograph or a lock of hair.',
    metals: ['sterling-silver', '9ct-rose-gold'],
    stone: null,
    prices: { 'sterling-silver': 7500, '9ct-rose-gold': 39500 },
    drawing: 'locket',
    createdDaysAgo: 255,
    office: 'Sheffield',
  },
  {
    slug: 'amelie-amethyst-locket',
    name: 'Amelie Amethyst Locket',
    category: 'necklaces',
    collections: ['heritage', 'birthstone-colours'],
    description:
      'An oval locket with a single round amethyst set into the front, framed by fine hand engraving. A keepsake to hold a photograph close, in a rich February purple.',
    metals: ['9ct-yellow-gold'],
    stone: 'amethyst',
    prices: { '9ct-yellow-gold': 52500 },
    drawing: 'locket',
    createdDaysAgo: 97,
    office: 'Edinburgh',
  },
  {
    slug: 'classic-belcher-chain',
    name: 'Classic Belcher Chain',
    category: 'necklaces',
    collections: ['everyday-gold', 'silver-essentials'],
    description:
      'Round, sturdy belcher links that lie flat and catch the light. Strong enough for a locket or pendant, handsome enough to wear alone. Finished with a bolt ring clasp.',
    metals: ['9ct-yellow-gold', 'sterling-silver', '18ct-yellow-gold'],
    stone: null,
    prices: { '9ct-yellow-gold': 27500, 'sterling-silver': 4500, '18ct-yellow-gold': 89500 },
    drawing: 'chain',
    createdDaysAgo: 330,
    office: 'Birmingham',
  },
  {
    slug: 'fine-trace-chain',
    name: 'Fine Trace Chain',
    category: 'necklaces',
    collections: ['everyday-gold'],
    description:
      'A delicate trace chain of neat oval links, the one we use for our own pendants. Layer several lengths together or add a favourite charm. Finished with a secure lobster clasp.',
    metals: ['9ct-white-gold', '9ct-rose-gold', '9ct-yellow-gold'],
    stone: null,
    prices: { '9ct-white-gold': 16500, '9ct-rose-gold': 16500, '9ct-yellow-gold': 16500 },
    drawing: 'chain',
    createdDaysAgo: 2,
    office: 'Sheffield',
  },
  {
    slug: 'hampton-curb-chain',
    name: 'Hampton Curb Chain',
    category: 'necklaces',
    collections: ['heritage', 'everyday-gold'],
    description:
      'A weighty curb chain with flattened, diamond-cut links that sparkle as you move. Inspired by Victorian watch chains, it has a reassuring heft and a chunky lobster clasp.',
    metals: ['9ct-yellow-gold', '18ct-yellow-gold'],
    stone: null,
    prices: { '9ct-yellow-gold': 69500, '18ct-yellow-gold': 245000 },
    drawing: 'chain',
    createdDaysAgo: 175,
    office: 'London',
  },
  {
    slug: 'violetta-amethyst-pendant',
    name: 'Violetta Amethyst Oval Pendant',
    category: 'necklaces',
    collections: ['birthstone-colours', 'silver-essentials'],
    description:
      'An oval amethyst in a deep violet, held in four fine claws on a simple chain. Rich colour at a gentle price, and a thoughtful February birthday present.',
    metals: ['sterling-silver', '9ct-yellow-gold'],
    stone: 'amethyst',
    prices: { 'sterling-silver': 6500, '9ct-yellow-gold': 24500 },
    drawing: 'pendant',
    createdDaysAgo: 140,
    office: 'Edinburgh',
  },
  {
    slug: 'seren-blue-topaz-pendant',
    name: 'Seren Blue Topaz Drop Pendant',
    category: 'necklaces',
    collections: ['birthstone-colours', 'silver-essentials'],
    description:
      'A pear-shaped Swiss blue topaz that sparkles like sunlit water. Its bright, clear colour looks fresh against the skin in every season.',
    metals: ['sterling-silver', '9ct-white-gold'],
    stone: 'blue-topaz',
    prices: { 'sterling-silver': 5900, '9ct-white-gold': 22500 },
    drawing: 'pendant',
    createdDaysAgo: 49,
    office: 'Sheffield',
  },
  {
    slug: 'rosa-ruby-heart-pendant',
    name: 'Rosa Ruby Heart Pendant',
    category: 'necklaces',
    collections: ['birthstone-colours', 'gifts-for-her'],
    description:
      'A heart-shaped ruby in a deep, warm red, set in rose gold on a fine chain. A love token with real meaning, and a July birthstone.',
    metals: ['9ct-rose-gold', '18ct-rose-gold'],
    stone: 'ruby',
    prices: { '9ct-rose-gold': 34500, '18ct-rose-gold': 99500 },
    drawing: 'pendant',
    createdDaysAgo: 15,
    office: 'Birmingham',
  },
  {
    slug: 'emmeline-emerald-pendant',
    name: 'Emmeline Emerald Pendant',
    category: 'necklaces',
    collections: ['heritage', 'birthstone-colours'],
    description:
      'An emerald-cut emerald in a vivid garden green, framed in a slim collet setting. Its clean step-cut facets give a calm, glassy glow rather than a sparkle: quietly luxurious.',
    metals: ['18ct-yellow-gold', 'platinum'],
    stone: 'emerald',
    prices: { '18ct-yellow-gold': 125000, platinum: 155000 },
    drawing: 'pendant',
    createdDaysAgo: 112,
    office: 'London',
  },
  {
    slug: 'blush-morganite-pendant',
    name: 'Blush Morganite Pendant',
    category: 'necklaces',
    collections: ['gifts-for-her'],
    description:
      'A round morganite in the softest blush pink, set in rose gold so the warm tones glow together. Feminine and fresh, it sits beautifully at the neckline of a summer dress.',
    metals: ['9ct-rose-gold'],
    stone: 'morganite',
    prices: { '9ct-rose-gold': 29500 },
    drawing: 'pendant',
    createdDaysAgo: 71,
    office: 'Birmingham',
  },

  // ─── Earrings ───────────────────────────────────────────────────────────
  {
    slug: 'aurelia-diamond-stud-earrings',
    name: 'Aurelia Diamond Stud Earrings',
    category: 'earrings',
    collections: ['bridal-and-engagement', 'gifts-for-her'],
    description:
      'A matched pair of brilliant-cut diamonds in four-claw settings, with secure butterfly backs. The earrings every jewellery box needs, and the ones you will wear most. Total weight 0.50ct.',
    metals: ['18ct-white-gold', '18ct-yellow-gold', 'platinum'],
    stone: 'diamond',
    prices: { '18ct-white-gold': 99500, '18ct-yellow-gold': 99500, platinum: 139500 },
    drawing: 'stud',
    featured: true,
    createdDaysAgo: 22,
    office: 'Birmingham',
  },
  {
    slug: 'freshwater-pearl-stud-earrings',
    name: 'Freshwater Pearl Stud Earrings',
    category: 'earrings',
    collections: ['silver-essentials', 'gifts-for-her'],
    description:
      'Round 7mm freshwater pearls with a soft, glowing lustre, on simple posts with butterfly backs. Polished, classic and endlessly wearable.',
    metals: ['sterling-silver', '9ct-yellow-gold'],
    stone: 'pearl',
    prices: { 'sterling-silver': 3500, '9ct-yellow-gold': 12500 },
    drawing: 'stud',
    createdDaysAgo: 280,
    hallmarkOverride: EXEMPT_STUDS,
  },
  {
    slug: 'celeste-sapphire-stud-earrings',
    name: 'Celeste Sapphire Stud Earrings',
    category: 'earrings',
    collections: ['birthstone-colours', 'bridal-and-engagement'],
    description:
      'Round blue sapphires in neat four-claw settings: the perfect something blue. Their deep colour flatters every skin tone and looks as good with denim as with silk.',
    metals: ['9ct-white-gold', '18ct-white-gold'],
    stone: 'sapphire',
    prices: { '9ct-white-gold': 34500, '18ct-white-gold': 89500 },
    drawing: 'stud',
    createdDaysAgo: 64,
    office: 'London',
  },
  {
    slug: 'scarlet-ruby-stud-earrings',
    name: 'Scarlet Ruby Stud Earrings',
    category: 'earrings',
    collections: ['birthstone-colours'],
    description:
      'Vivid red rubies in classic claw settings, with a warm glow that lifts the face. The July birthstone, and a traditional gift for a fortieth anniversary.',
    metals: ['9ct-yellow-gold', 'platinum'],
    stone: 'ruby',
    prices: { '9ct-yellow-gold': 29500, platinum: 119500 },
    drawing: 'stud',
    createdDaysAgo: 99,
    office: 'Sheffield',
  },
  {
    slug: 'thea-blue-topaz-stud-earrings',
    name: 'Thea Blue Topaz Stud Earrings',
    category: 'earrings',
    collections: ['silver-essentials', 'birthstone-colours'],
    description:
      'Bright Swiss blue topaz studs that match our Thea ring. Clean, crisp colour in simple claw settings, for a fresh everyday sparkle.',
    metals: ['sterling-silver', '9ct-white-gold'],
    stone: 'blue-topaz',
    prices: { 'sterling-silver': 4900, '9ct-white-gold': 17500 },
    drawing: 'stud',
    createdDaysAgo: 133,
    hallmarkOverride: EXEMPT_STUDS,
  },
  {
    slug: 'sable-classic-hoop-earrings',
    name: 'Sable Classic Hoop Earrings',
    category: 'earrings',
    collections: ['everyday-gold'],
    description:
      'Medium 20mm hoops in solid gold with a hinged snap fastening that is easy to close and stays put. Light enough to wear all day, every day.',
    metals: ['9ct-yellow-gold', '9ct-rose-gold', '9ct-white-gold', '18ct-yellow-gold'],
    stone: null,
    prices: { '9ct-yellow-gold': 14500, '9ct-rose-gold': 14500, '9ct-white-gold': 14500, '18ct-yellow-gold': 49500 },
    drawing: 'hoop',
    createdDaysAgo: 210,
    office: 'Birmingham',
  },
  {
    slug: 'sterling-silver-creole-hoops',
    name: 'Sterling Silver Creole Hoops',
    category: 'earrings',
    collections: ['silver-essentials'],
    description:
      'Generous creole hoops that swell gently at the bottom, in polished sterling silver. A classic shape that frames the face and catches the light.',
    metals: ['sterling-silver'],
    stone: null,
    prices: { 'sterling-silver': 4500 },
    drawing: 'hoop',
    createdDaysAgo: 315,
    office: 'Sheffield',
  },
  {
    slug: 'lumen-diamond-huggie-hoops',
    name: 'Lumen Diamond Huggie Hoops',
    category: 'earrings',
    collections: ['everyday-gold', 'bridal-and-engagement'],
    description:
      'Small hoops that hug the earlobe, set along the front with a row of brilliant-cut diamonds. Sparkly enough for a wedding, discreet enough to sleep in.',
    metals: ['9ct-yellow-gold', '18ct-white-gold'],
    stone: 'diamond',
    prices: { '9ct-yellow-gold': 39500, '18ct-white-gold': 109500 },
    drawing: 'hoop',
    createdDaysAgo: 7,
    office: 'London',
  },
  {
    slug: 'verity-emerald-drop-earrings',
    name: 'Verity Emerald Drop Earrings',
    category: 'earrings',
    collections: ['heritage', 'birthstone-colours'],
    description:
      'Emerald-cut emeralds suspended beneath polished gold studs, moving gently as you turn your head. Inspired by Georgian pendeloque earrings, with the clean lines of today.',
    metals: ['18ct-yellow-gold'],
    stone: 'emerald',
    prices: { '18ct-yellow-gold': 175000 },
    drawing: 'drop',
    createdDaysAgo: 83,
    office: 'London',
  },
  {
    slug: 'grace-pearl-drop-earrings',
    name: 'Grace Pearl Drop Earrings',
    category: 'earrings',
    collections: ['bridal-and-engagement', 'gifts-for-her'],
    description:
      'Round freshwater pearls hanging from polished studs on a short, fine link. Softly luminous and endlessly elegant, they are a favourite with our brides.',
    metals: ['9ct-yellow-gold', 'sterling-silver'],
    stone: 'pearl',
    prices: { '9ct-yellow-gold': 19500, 'sterling-silver': 6500 },
    drawing: 'drop',
    createdDaysAgo: 44,
    office: 'Edinburgh',
  },
  {
    slug: 'violetta-amethyst-drop-earrings',
    name: 'Violetta Amethyst Drop Earrings',
    category: 'earrings',
    collections: ['birthstone-colours', 'silver-essentials'],
    description:
      'Pear-shaped amethysts hanging below small round studs, flashing purple as they move. A lovely way to add a little colour to everyday outfits.',
    metals: ['sterling-silver', '9ct-rose-gold'],
    stone: 'amethyst',
    prices: { 'sterling-silver': 7900, '9ct-rose-gold': 27500 },
    drawing: 'drop',
    createdDaysAgo: 152,
    office: 'Sheffield',
  },
  {
    slug: 'peony-morganite-drop-earrings',
    name: 'Peony Morganite Drop Earrings',
    category: 'earrings',
    collections: ['gifts-for-her'],
    description:
      'Pear-cut morganites in a delicate peach-pink, hung from rose gold studs. Soft, flattering colour for weddings, garden parties and everything in between.',
    metals: ['9ct-rose-gold', '18ct-rose-gold'],
    stone: 'morganite',
    prices: { '9ct-rose-gold': 32500, '18ct-rose-gold': 89500 },
    drawing: 'drop',
    createdDaysAgo: 36,
    office: 'Birmingham',
  },

  // ─── Bracelets ──────────────────────────────────────────────────────────
  {
    slug: 'aurelia-diamond-tennis-bracelet',
    name: 'Aurelia Diamond Tennis Bracelet',
    category: 'bracelets',
    collections: ['bridal-and-engagement'],
    description:
      'A continuous line of brilliant-cut diamonds, each in its own four-claw setting, linked so the bracelet drapes softly round the wrist. Finished with a hidden box clasp and safety catch. Total diamond weight 2.00ct.',
    metals: ['18ct-white-gold', '18ct-yellow-gold', 'platinum'],
    stone: 'diamond',
    prices: { '18ct-white-gold': 395000, '18ct-yellow-gold': 395000, platinum: 495000 },
    drawing: 'tennis',
    featured: true,
    createdDaysAgo: 18,
    office: 'London',
  },
  {
    slug: 'celeste-sapphire-tennis-bracelet',
    name: 'Celeste Sapphire Tennis Bracelet',
    category: 'bracelets',
    collections: ['birthstone-colours'],
    description:
      'Matched blue sapphires set in a supple line, with a secure box clasp and safety catch. A bracelet of real colour that still works with everyday clothes.',
    metals: ['18ct-white-gold', '9ct-white-gold'],
    stone: 'sapphire',
    prices: { '18ct-white-gold': 285000, '9ct-white-gold': 89500 },
    drawing: 'tennis',
    createdDaysAgo: 95,
    office: 'Birmingham',
  },
  {
    slug: 'rosabel-ruby-tennis-bracelet',
    name: 'Rosabel Ruby Tennis Bracelet',
    category: 'bracelets',
    collections: ['heritage', 'birthstone-colours'],
    description:
      'Glowing red rubies set in warm 18ct yellow gold, a pairing loved by Victorian jewellers. Every stone is hand-matched for colour so the line reads as one.',
    metals: ['18ct-yellow-gold'],
    stone: 'ruby',
    prices: { '18ct-yellow-gold': 325000 },
    drawing: 'tennis',
    createdDaysAgo: 260,
    office: 'London',
  },
  {
    slug: 'lyra-pearl-line-bracelet',
    name: 'Lyra Pearl Line Bracelet',
    category: 'bracelets',
    collections: ['bridal-and-engagement', 'gifts-for-her'],
    description:
      'Small round freshwater pearls linked in a single supple line, closing with a polished clasp. A bridal favourite that is just as lovely with a crisp white shirt.',
    metals: ['9ct-yellow-gold', 'sterling-silver'],
    stone: 'pearl',
    prices: { '9ct-yellow-gold': 29500, 'sterling-silver': 8900 },
    drawing: 'tennis',
    createdDaysAgo: 118,
    office: 'Edinburgh',
  },
  {
    slug: 'oxford-polished-bangle',
    name: 'Oxford Polished Bangle',
    category: 'bracelets',
    collections: ['everyday-gold', 'silver-essentials'],
    description:
      'A solid round bangle with a softly domed profile, polished to a mirror finish. It slips over the hand and sits neatly with a watch.',
    metals: ['9ct-yellow-gold', 'sterling-silver', '9ct-rose-gold'],
    stone: null,
    prices: { '9ct-yellow-gold': 59500, 'sterling-silver': 8900, '9ct-rose-gold': 59500 },
    drawing: 'bangle',
    createdDaysAgo: 240,
    office: 'Birmingham',
  },
  {
    slug: 'lumiere-diamond-bangle',
    name: 'Lumière Diamond Bangle',
    category: 'bracelets',
    collections: ['bridal-and-engagement', 'gifts-for-her'],
    description:
      'A slim, hinged bangle set across the top with a row of brilliant-cut diamonds. It opens with a concealed clasp and closes securely for a neat fit.',
    metals: ['18ct-rose-gold', '18ct-yellow-gold', '18ct-white-gold'],
    stone: 'diamond',
    prices: { '18ct-rose-gold': 215000, '18ct-yellow-gold': 215000, '18ct-white-gold': 215000 },
    drawing: 'bangle',
    createdDaysAgo: 52,
    office: 'London',
  },
  {
    slug: 'blush-morganite-bangle',
    name: 'Blush Morganite Bangle',
    category: 'bracelets',
    collections: ['gifts-for-her', 'birthstone-colours'],
    description:
      'A fine rose gold bangle centred with a single oval morganite in a polished collet. Understated and pretty, and easy to stack with other bangles.',
    metals: ['9ct-rose-gold'],
    stone: 'morganite',
    prices: { '9ct-rose-gold': 45500 },
    drawing: 'bangle',
    createdDaysAgo: 30,
    office: 'Sheffield',
  },
  {
    slug: 'meridian-platinum-bangle',
    name: 'Meridian Platinum Bangle',
    category: 'bracelets',
    collections: ['heritage'],
    description:
      'A weighty oval bangle in solid platinum, the most enduring of precious metals. Its naturally white colour never fades, and it will outlast us all.',
    metals: ['platinum'],
    stone: null,
    prices: { platinum: 495000 },
    drawing: 'bangle',
    createdDaysAgo: 355,
    office: 'London',
  },
  {
    slug: 'albion-hammered-cuff',
    name: 'Albion Hammered Cuff',
    category: 'bracelets',
    collections: ['silver-essentials', 'heritage'],
    description:
      'A wide open cuff, hand hammered so the surface shimmers with tiny facets. Made in our workshop and gently adjustable to fit most wrists.',
    metals: ['sterling-silver', '9ct-yellow-gold'],
    stone: null,
    prices: { 'sterling-silver': 14500, '9ct-yellow-gold': 89500 },
    drawing: 'cuff',
    createdDaysAgo: 188,
    office: 'Sheffield',
  },
  {
    slug: 'kensington-charm-bracelet',
    name: 'Kensington Charm Bracelet',
    category: 'bracelets',
    collections: ['silver-essentials', 'gifts-for-her'],
    description:
      'A trace chain bracelet hung with a heart, a star, a padlock, a disc and a horseshoe. Add your own charms over the years and it becomes a story to hand down.',
    metals: ['sterling-silver'],
    stone: null,
    prices: { 'sterling-silver': 12500 },
    drawing: 'charm',
    createdDaysAgo: 105,
    office: 'Birmingham',
  },
  {
    slug: 'heirloom-gold-charm-bracelet',
    name: 'Heirloom Gold Charm Bracelet',
    category: 'bracelets',
    collections: ['heritage', 'gifts-for-her'],
    description:
      'A solid gold belcher bracelet with five polished charms, including a tiny ruby-set heart. A modern take on the charm bracelets our grandmothers treasured.',
    metals: ['9ct-yellow-gold'],
    stone: 'ruby',
    prices: { '9ct-yellow-gold': 79500 },
    drawing: 'charm',
    createdDaysAgo: 62,
    office: 'Birmingham',
  },
  {
    slug: 'belcher-chain-bracelet',
    name: 'Belcher Chain Bracelet',
    category: 'bracelets',
    collections: ['everyday-gold', 'silver-essentials'],
    description:
      'A sturdy round-link bracelet with a bolt ring clasp, made to match our Classic Belcher Chain. Wear it alone or hang a charm from any link.',
    metals: ['9ct-yellow-gold', 'sterling-silver'],
    stone: null,
    prices: { '9ct-yellow-gold': 17500, 'sterling-silver': 3900 },
    drawing: 'chain',
    createdDaysAgo: 0,
    office: 'Birmingham',
  },
];

export const demoProducts: DemoProduct[] = entries.map(({ office, hallmarkOverride, ...p }) => ({
  ...p,
  hallmark: hallmarkOverride ?? hallmark(office ?? 'Birmingham', p.metals),
  care: care(p.metals[0], p.stone),
}));

/** Deterministic stock for a variant index, so demo data is the same on every machine: mostly 0–12, some 0 (sold out), a few 1–2 (low stock). */
export function demoStock(productIndex: number, variantIndex: number): number {
  let h = (Math.imul(productIndex + 1, 0x9e3779b1) ^ Math.imul(variantIndex + 11, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  const roll = h % 100;
  if (roll < 10) return 0;
  if (roll < 22) return 1 + ((h >>> 8) % 2);
  return 3 + ((h >>> 8) % 10);
}
