import { metalLabel } from '../catalog/catalog.domain.js';

/** A sold-out variant as a person asks about it: the piece's name with its metal, size or length. */
export interface AlertPiece {
  productName: string;
  metal: string;
  ringSize: string | null;
  chainLengthIn: number | null;
}

/** The name of one variant in words, as the alert form, its consent wording and its e-mails say it: "Halo Ring in 9ct Gold, size M". */
export function pieceName(v: AlertPiece): string {
  const details = [metalLabel(v.metal), v.ringSize ? `size ${v.ringSize}` : null, v.chainLengthIn ? `${v.chainLengthIn}″ chain` : null];
  const [metal, ...rest] = details.filter((d): d is string => d !== null);
  return [`${v.productName} in ${metal}`, ...rest].join(', ');
}
