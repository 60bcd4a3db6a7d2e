import { Navigate, Route, Routes } from 'react-router';
import { NotFound } from '../NotFound';
import { Billing } from './Billing';
import { Catalog } from './Catalog';
import { Email } from './Email';
import { Members } from './Members';
import { Outbox } from './Outbox';
import { SlaSettings } from './SlaSettings';
import './admin.css';

export default function AdminRoutes() {
  return (
    <Routes>
      <Route index element={<Navigate to="members" replace />} />
      <Route path="members" element={<Members />} />
      <Route path="catalog" element={<Catalog />} />
      <Route path="sla" element={<SlaSettings />} />
      <Route path="email" element={<Email />} />
      <Route path="outbox" element={<Outbox />} />
      <Route path="billing" element={<Billing />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
