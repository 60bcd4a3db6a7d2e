import type { ReactNode } from 'react';
import { Link } from 'react-router';
import './auth.css';

export function Logo() {
  return (
    <Link to="/" className="logo">
      <span className="logo__mark" aria-hidden="true">
        F
      </span>
      <span className="logo__name">Ferrodesk</span>
    </Link>
  );
}

/** A centred card for signing in and accepting an invitation. */
export function AuthCard({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth">
      <header className="auth__top">
        <Logo />
      </header>
      <main className="auth__center" id="main">
        <div className="auth-card card">
          <h1>{title}</h1>
          {subtitle && <p className="auth-card__subtitle">{subtitle}</p>}
          {children}
        </div>
        {footer && <p className="auth__footer">{footer}</p>}
      </main>
    </div>
  );
}
