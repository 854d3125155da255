import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { CatalogTable } from '../CatalogTable';
import { entryBody } from '../catalogs';

/** Patients store the advisory way by name (20 characters); a rename renames it on their records too. */
export default function AdvisoryWaysPage() {
  const { t } = useTranslation('admin');
  return (
    <CatalogTable
      title={t('menu.advisory-ways')}
      nameMax={20}
      load={() =>
        call(() =>
          staffClient.GET('/back_end/api/v1/advisory-ways', { params: { query: { include_inactive: true } } }),
        ).then((body) => body.advisoryWays)
      }
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/advisory-ways', { body: entryBody(values) }))}
      update={(id, values) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/advisory-ways/{id}', {
            params: { path: { id } },
            body: entryBody(values),
          }),
        )
      }
      remove={(id) =>
        call(() => staffClient.DELETE('/back_end/api/v1/advisory-ways/{id}', { params: { path: { id } }, body: {} }))
      }
      setActive={(id, active) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/advisory-ways/{id}', {
            params: { path: { id } },
            body: { is_active: active },
          }),
        )
      }
    />
  );
}
