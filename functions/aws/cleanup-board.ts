import { type CleanupBoard, CleanupBoardSchema, EMPTY_BOARD } from '../domain/cleanup-board.js';
import { isTransientAwsError, UnreadableObjectError } from '../runtime/errors.js';
import { logger } from '../runtime/powertools.js';
import { getJsonWithEtag, type ObjectRef, putJsonIf } from './object-store.js';

/**
 * The cleanup board of an account-Region in S3 (domain/cleanup-board.ts says what it holds), read
 * and written with conditional writes (as the cleanup lease is: aws/cleanup-lease.ts): created
 * with `IfNoneMatch: '*'`, rewritten with `IfMatch` on the ETag read. A write another execution
 * got in first (412) reads the board again and applies this execution's change to what it finds
 * (its own entry, the listing if newer: never another's entry), a few times. Contention never fails
 * a round: after the last attempt, or on a transient error, the round goes on with what it read.
 */
export interface ReadBoard {
  board: CleanupBoard;
  /** The ETag read; undefined: there was no board. */
  etag: string | undefined;
}

const ATTEMPTS = 3;

/** The board, or an empty one when there is none (or it could not be read for a transient reason: the round goes on as if alone). */
export async function readBoard(ref: ObjectRef): Promise<ReadBoard> {
  try {
    const found = await getJsonWithEtag(ref, CleanupBoardSchema);
    return found ? { board: found.value, etag: found.etag } : { board: EMPTY_BOARD, etag: undefined };
  } catch (error) {
    // Not a board (corrupt, or another version's): goes on as if alone, and the next write replaces it (IfMatch its ETag).
    if (error instanceof UnreadableObjectError) {
      logger.warn('The cleanup board is unreadable: this round goes on without it and writes a new one over it', { error: error.message });
      return { board: EMPTY_BOARD, etag: error.etag };
    }
    if (!isTransientAwsError(error)) throw error;
    logger.warn('The cleanup board could not be read: this round goes on without it', { error: (error as Error).message });
    return { board: EMPTY_BOARD, etag: undefined };
  }
}

export interface BoardUpdate<T> {
  /** The board as written, or as last read when no write went through. */
  read: ReadBoard;
  /** What `change` made of the board it was last applied to (the one written, if one was). */
  result: T;
  written: boolean;
}

/**
 * Applies `change` to the board read and writes it conditionally; when another execution wrote
 * first, reads it again and applies `change` to that, up to ATTEMPTS times. `change` gives the new
 * board and what the caller decided from it (a budget decided on a board that was not written is
 * still what this execution goes on with: the one it read).
 */
export async function updateBoard<T>(
  ref: ObjectRef,
  first: ReadBoard,
  change: (board: CleanupBoard) => { board: CleanupBoard; result: T },
): Promise<BoardUpdate<T>> {
  let read = first;
  let changed = change(read.board);
  for (let attempt = 1; ; attempt++) {
    try {
      const condition = read.etag === undefined ? { ifNoneMatch: '*' as const } : { ifMatch: read.etag };
      const outcome = await putJsonIf(ref, changed.board, condition);
      if (outcome.written) return { read: { board: changed.board, etag: outcome.etag }, result: changed.result, written: true };
    } catch (error) {
      if (!isTransientAwsError(error)) throw error;
      logger.warn('The cleanup board could not be written: this round goes on with what it read', { error: (error as Error).message });
      return { read, result: changed.result, written: false };
    }
    if (attempt >= ATTEMPTS) {
      logger.warn(`The cleanup board changed under ${ATTEMPTS} writes in a row: this round goes on with what it read`);
      return { read, result: changed.result, written: false };
    }
    read = await readBoard(ref);
    changed = change(read.board);
  }
}
