import { Route, Routes } from 'react-router-dom';
import { FleetPage } from './FleetPage';
import { PromotionPage } from './Promotion';

/** The legacy fleet page's routes: the fleet at its root and a promotion request at `promotions/:id`. */
export function EnvironmentsRouter() {
  return (
    <Routes>
      <Route path="/" element={<FleetPage />} />
      <Route path="/promotions/:id" element={<PromotionPage />} />
    </Routes>
  );
}
