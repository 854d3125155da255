import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { CatalogTable } from '../CatalogTable';
import { entryBody } from '../catalogs';

export default function ChannelsPage() {
  const { t } = useTranslation('admin');
  return (
    <CatalogTable
      title={t('menu.channels')}
      load={() =>
        call(() =>
          staffClient.GET('/back_end/api/v1/channels', { params: { query: { include_inactive: true } } }),
        ).then((body) => body.channels.map((c) => ({ ...c, fixed: c.systemKey !== null })))
      }
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/channels', { body: entryBody(values) }))}
      update={(id, values) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/channels/{id}', { params: { path: { id } }, body: entryBody(values) }),
        )
      }
      remove={(id) =>
        call(() => staffClient.DELETE('/back_end/api/v1/channels/{id}', { params: { path: { id } }, body: {} }))
      }
      setActive={(id, active) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/channels/{id}', {
            params: { path: { id } },
            body: { is_active: active },
          }),
        )
      }
    />
  );
}
