import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Trade } from '../../../domain/src/work-order/work-order.types';

/** A contractor's trade and their rank on the branch's list for it (lowest first): where the next contractor is taken from. */
@Entity({ name: 'contractor_trades' })
@Index('contractor_trades_trade_idx', ['tenantId', 'trade', 'rank'])
export class ContractorTradeEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'user_id' }) userId!: string;
  @PrimaryColumn('text') trade!: Trade;
  @Column('integer', { default: 100 }) rank!: number;
}
