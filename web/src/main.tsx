// The design system's styles come first, so each page's own styles can refine them.
import './styles/tokens.css';
import './styles/base.css';
import './ui/ui.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { ApiProvider, SessionProvider } from './auth/session';
import { ToastProvider } from './ui/Toast';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <ApiProvider>
        <SessionProvider>
          <ToastProvider>
            <App />
          </ToastProvider>
        </SessionProvider>
      </ApiProvider>
    </BrowserRouter>
  </StrictMode>,
);
