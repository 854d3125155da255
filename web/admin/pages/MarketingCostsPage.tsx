import { PageContainer, ProCard } from '@ant-design/pro-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../access';
import { CostEntry } from '../figures/CostEntry';
import { CostReport } from '../figures/CostReport';

/** 营销费用: spend per channel and month, and what it bought (cost per inquiry / appointment / arrival, ROI). */
export default function MarketingCostsPage() {
  const { t } = useTranslation('admin');
  const access = useAccess();
  const [version, setVersion] = useState(0);
  return (
    <PageContainer title={t('menu.marketing-costs')} subTitle={t('fig.costs.subtitle')}>
      <ProCard title={t('fig.costs.reportTitle')} bordered style={{ marginBottom: 16 }}>
        <CostReport version={version} />
      </ProCard>
      {access.can('statistics:costs') && (
        <ProCard title={t('fig.costs.entryTitle')} bordered>
          <CostEntry onSaved={() => setVersion((n) => n + 1)} />
        </ProCard>
      )}
    </PageContainer>
  );
}
