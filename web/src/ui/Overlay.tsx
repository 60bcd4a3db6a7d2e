// Dialogs, menus and popovers: Radix primitives (focus trapping, Escape, typeahead, ARIA) dressed
// in the app's styles.
import * as DialogPrimitive from '@radix-ui/react-dialog';
import * as MenuPrimitive from '@radix-ui/react-dropdown-menu';
import * as PopoverPrimitive from '@radix-ui/react-popover';
import { forwardRef, type ComponentPropsWithoutRef, type ReactNode } from 'react';
import { CheckIcon, XIcon } from './icons';

export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  width = 480,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="dialog-overlay" />
        <DialogPrimitive.Content
          className="dialog"
          style={{ maxWidth: width }}
          // Without a description, say so explicitly (Radix otherwise warns).
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <div className="dialog__header">
            <DialogPrimitive.Title className="dialog__title">{title}</DialogPrimitive.Title>
            <DialogPrimitive.Close className="icon-button" aria-label="Close">
              <XIcon />
            </DialogPrimitive.Close>
          </div>
          {description && (
            <DialogPrimitive.Description className="dialog__description">{description}</DialogPrimitive.Description>
          )}
          {children}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

export const Menu = MenuPrimitive.Root;
export const MenuTrigger = MenuPrimitive.Trigger;
export const MenuRadioGroup = MenuPrimitive.RadioGroup;

export const MenuContent = forwardRef<HTMLDivElement, ComponentPropsWithoutRef<typeof MenuPrimitive.Content>>(
  function MenuContent({ className, sideOffset = 6, align = 'start', ...props }, ref) {
    return (
      <MenuPrimitive.Portal>
        <MenuPrimitive.Content
          ref={ref}
          sideOffset={sideOffset}
          align={align}
          className={`menu${className ? ` ${className}` : ''}`}
          {...props}
        />
      </MenuPrimitive.Portal>
    );
  },
);

export const MenuItem = forwardRef<HTMLDivElement, ComponentPropsWithoutRef<typeof MenuPrimitive.Item>>(
  function MenuItem({ className, ...props }, ref) {
    return <MenuPrimitive.Item ref={ref} className={`menu__item${className ? ` ${className}` : ''}`} {...props} />;
  },
);

export const MenuRadioItem = forwardRef<HTMLDivElement, ComponentPropsWithoutRef<typeof MenuPrimitive.RadioItem>>(
  function MenuRadioItem({ children, ...props }, ref) {
    return (
      <MenuPrimitive.RadioItem ref={ref} className="menu__item menu__item--checkable" {...props}>
        <MenuPrimitive.ItemIndicator className="menu__indicator">
          <CheckIcon />
        </MenuPrimitive.ItemIndicator>
        {children}
      </MenuPrimitive.RadioItem>
    );
  },
);

export const MenuCheckboxItem = forwardRef<
  HTMLDivElement,
  ComponentPropsWithoutRef<typeof MenuPrimitive.CheckboxItem>
>(function MenuCheckboxItem({ children, ...props }, ref) {
  return (
    <MenuPrimitive.CheckboxItem ref={ref} className="menu__item menu__item--checkable" {...props}>
      <MenuPrimitive.ItemIndicator className="menu__indicator">
        <CheckIcon />
      </MenuPrimitive.ItemIndicator>
      {children}
    </MenuPrimitive.CheckboxItem>
  );
});

export function MenuSeparator() {
  return <MenuPrimitive.Separator className="menu__separator" />;
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <MenuPrimitive.Label className="menu__label">{children}</MenuPrimitive.Label>;
}

export const Popover = PopoverPrimitive.Root;
export const PopoverTrigger = PopoverPrimitive.Trigger;
export const PopoverClose = PopoverPrimitive.Close;

export const PopoverContent = forwardRef<HTMLDivElement, ComponentPropsWithoutRef<typeof PopoverPrimitive.Content>>(
  function PopoverContent({ className, sideOffset = 6, align = 'start', ...props }, ref) {
    return (
      <PopoverPrimitive.Portal>
        <PopoverPrimitive.Content
          ref={ref}
          sideOffset={sideOffset}
          align={align}
          className={`popover${className ? ` ${className}` : ''}`}
          {...props}
        />
      </PopoverPrimitive.Portal>
    );
  },
);
