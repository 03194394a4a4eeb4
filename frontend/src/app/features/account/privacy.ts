import { ChangeDetectionStrategy, Component, DOCUMENT, ElementRef, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';

import { toProblem } from '../../core/api/problem';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe } from '../../core/i18n/i18n';
import { Notices } from '../../core/notices';
import { FieldError } from '../../shared/field-error';
import { applyFieldErrors, describedBy, showsError } from '../../shared/forms';
import { FormAlert } from '../../shared/form-alert';
import { FormMessage, Message, message, formProblemMessage, problemMessage } from '../../shared/problem-message';
import { AccountService, saveFile } from './account.service';

/** Data export (a JSON download) and account deletion, confirmed with the password in a dialog. */
@Component({
  selector: 'app-privacy',
  imports: [ReactiveFormsModule, TranslatePipe, FieldError, FormAlert],
  templateUrl: './privacy.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Privacy {
  protected readonly auth = inject(AuthService);
  private readonly account = inject(AccountService);
  private readonly notices = inject(Notices);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('deleteDialog');
  private readonly opener = viewChild<ElementRef<HTMLButtonElement>>('deleteOpener');

  protected readonly exporting = signal(false);
  protected readonly exportStatus = signal<Message | null>(null);
  protected readonly deleting = signal(false);
  protected readonly deleteError = signal<FormMessage | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({ password: ['', Validators.required] });
  protected readonly showsError = showsError;
  protected readonly describedBy = describedBy;

  protected exportData(): void {
    this.exporting.set(true);
    this.exportStatus.set(message('account.privacy.exportPreparing'));
    this.account.export().subscribe({
      next: ({ blob, filename }) => {
        saveFile(this.document, blob, filename);
        this.exporting.set(false);
        this.exportStatus.set(message('account.privacy.exportDone', { file: filename }));
      },
      error: (error: unknown) => {
        this.exporting.set(false);
        this.exportStatus.set(problemMessage(toProblem(error)));
      },
    });
  }

  protected openDelete(): void {
    this.form.reset();
    this.deleteError.set(null);
    this.dialog().nativeElement.showModal();
  }

  protected closeDelete(): void {
    this.dialog().nativeElement.close();
  }

  /** The dialog closed (Cancel, Escape): the focus goes back to the button that opened it. */
  protected onDialogClose(): void {
    this.opener()?.nativeElement.focus();
  }

  protected confirmDelete(): void {
    this.deleteError.set(null);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.dialog().nativeElement.querySelector<HTMLElement>('#delete-password')?.focus();
      return;
    }
    this.deleting.set(true);
    this.account.delete(this.form.getRawValue().password).subscribe({
      next: () => {
        this.deleting.set(false);
        this.dialog().nativeElement.close();
        this.notices.show('success', 'notices.accountDeleted');
        void this.router.navigateByUrl('/');
      },
      error: (error: unknown) => {
        this.deleting.set(false);
        const problem = toProblem(error);
        const unmatched = applyFieldErrors(this.form, problem.errors);
        // A wrong password shows under the field only.
        this.deleteError.set(problem.status === 422 && unmatched.length === 0 ? null : formProblemMessage(problem, unmatched));
        this.dialog().nativeElement.querySelector<HTMLElement>('#delete-password')?.focus();
      },
    });
  }
}
