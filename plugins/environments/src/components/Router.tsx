import { Route, Routes } from 'react-router-dom';
import { FleetPage } from './FleetPage';
import { PromotionPage } from './Promotion';
import { RollbackPage } from './Rollback';

/**
 * The legacy fleet page's routes: the fleet at its root, a promotion request at `promotions/:id` and a
 * rollback at `rollbacks/:id`.
 */
export function EnvironmentsRouter() {
  return (
    <Routes>
      <Route path="/" element={<FleetPage />} />
      <Route path="/promotions/:id" element={<PromotionPage />} />
      <Route path="/rollbacks/:id" element={<RollbackPage />} />
    </Routes>
  );
}
