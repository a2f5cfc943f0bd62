import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { organisationRefusal } from '../../../../../libs/domain/src/permissions/permission.util';
import { CategoryModelEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { TextTermsRepository } from '../../../../../libs/persistence/src/text-terms.repository';
import {
  CategoryModel, CategoryScore, classifierFeatures, classify, trainCategoryModel,
} from '../../../../../libs/text/src/category-classifier';
import { textAnalyzer } from '../../../../../libs/text/src/text-analyzer';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';

// A tenant's terms and classifier are read at most this often per gateway (a change reaches every gateway within it).
const CACHE_MS = 30_000;
// Tenants whose terms and classifier a gateway keeps at once (the least recently read go first).
const CACHE_TENANTS = 2000;
// A search term: 2 to 20 Chinese characters, letters or digits.
const TERM = /^[\p{Script=Han}A-Za-z0-9]{2,20}$/u;
// The suggestions `suggestCategory` lists.
const SUGGESTIONS = 3;

class TenantCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  get(tenantId: string, load: () => Promise<V>): Promise<V> {
    const e = this.entries.get(tenantId);
    if (e && Date.now() - e.at < CACHE_MS) return e.value;
    const value = load();
    // A failed read is not kept: the next call reads again.
    value.catch(() => this.entries.delete(tenantId));
    this.entries.delete(tenantId);
    this.entries.set(tenantId, { at: Date.now(), value });
    if (this.entries.size > CACHE_TENANTS) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  forget(tenantId: string): void {
    this.entries.delete(tenantId);
  }
}

/**
 * Chinese text per tenant: the tenant's own search terms (used by search and by the worker when it
 * segments a complaint) and category suggestions from the tenant's newest classifier (trained only
 * on its own confirmed complaints; before the first training, the keyword lexicon alone).
 */
@Injectable()
export class TextService {
  private readonly terms: TextTermsRepository;
  private readonly models: TenantScopedRepository<CategoryModelEntity>;
  private readonly termCache = new TenantCache<string[]>();
  private readonly modelCache = new TenantCache<CategoryModel>();
  private lexiconOnly?: CategoryModel;

  constructor(@InjectDataSource() ds: DataSource) {
    this.terms = new TextTermsRepository(ds);
    this.models = new TenantScopedRepository(ds, CategoryModelEntity);
  }

  tenantTerms(tenantId: string): Promise<string[]> {
    return this.termCache.get(tenantId, () => this.terms.list(tenantId));
  }

  /** The tsquery of a search box's text for this tenant, or null when it holds nothing searchable. */
  async searchQuery(tenantId: string, text: string): Promise<string | null> {
    return textAnalyzer().searchQuery(text, await this.tenantTerms(tenantId));
  }

  async setTerms(p: Principal, terms: readonly string[]): Promise<string[]> {
    // Each term checked here, so the error names the one that is wrong (terms.3).
    const wrong = terms.map((t, i) => (TERM.test(t) ? null : { field: `terms.${i}`, message: `terms.${i} must be 2 to 20 Chinese characters, letters or digits` }))
      .filter((x): x is { field: string; message: string } => x !== null);
    if (wrong.length) throw new BadUserInputError(wrong.slice(0, 20));
    const refusal = organisationRefusal(p, 'SET_TEXT_TERMS');
    if (refusal) throw new ForbiddenError(refusal);
    const tenantId = tenantOf(p);
    const normalised = [...new Set(terms.map((t) => t.normalize('NFKC').toLowerCase()))];
    const saved = await this.terms.replace(tenantId, normalised, p.userId);
    this.termCache.forget(tenantId);
    return saved;
  }

  async listTerms(p: Principal): Promise<string[]> {
    return this.tenantTerms(tenantOf(p));
  }

  private model(tenantId: string): Promise<CategoryModel> {
    return this.modelCache.get(tenantId, async () => {
      const [row] = await this.models.find(tenantId, {}, { order: { version: 'DESC' }, take: 1 });
      if (row) return row.model as unknown as CategoryModel;
      this.lexiconOnly ??= trainCategoryModel(textAnalyzer().resources.lexicon, []);
      return this.lexiconOnly;
    });
  }

  /** The categories the tenant's classifier suggests for a text, best first (none when it has nothing to go on). */
  async suggest(tenantId: string, text: string): Promise<CategoryScore[]> {
    const model = await this.model(tenantId);
    const analyzer = textAnalyzer();
    return classify(model, classifierFeatures(analyzer, analyzer.resources.lexicon, text)).slice(0, SUGGESTIONS)
      .map((s) => ({ category: s.category, confidence: Math.round(s.confidence * 1000) / 1000 }));
  }
}
