// Short confirmations and live notices in the corner (Radix Toast: announced politely, swipe or
// Escape to dismiss, paused while hovered or focused).
import * as ToastPrimitive from '@radix-ui/react-toast';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { XIcon } from './icons';

export interface ToastMessage {
  title: string;
  description?: string;
  tone?: 'neutral' | 'success' | 'danger';
}

type Show = (message: ToastMessage) => void;

const ToastContext = createContext<Show>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<(ToastMessage & { id: number })[]>([]);
  const show = useCallback<Show>((message) => {
    setToasts((current) => [...current.slice(-2), { ...message, id: Date.now() + Math.random() }]);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      <ToastPrimitive.Provider duration={4000} swipeDirection="right">
        {children}
        {toasts.map((t) => (
          <ToastPrimitive.Root
            key={t.id}
            className={`toast toast--${t.tone ?? 'neutral'}`}
            onOpenChange={(open) => {
              if (!open) setToasts((current) => current.filter((c) => c.id !== t.id));
            }}
          >
            <div>
              <ToastPrimitive.Title className="toast__title">{t.title}</ToastPrimitive.Title>
              {t.description && (
                <ToastPrimitive.Description className="toast__description">{t.description}</ToastPrimitive.Description>
              )}
            </div>
            <ToastPrimitive.Close className="icon-button" aria-label="Dismiss">
              <XIcon />
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        ))}
        <ToastPrimitive.Viewport className="toast-viewport" />
      </ToastPrimitive.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): Show {
  return useContext(ToastContext);
}
